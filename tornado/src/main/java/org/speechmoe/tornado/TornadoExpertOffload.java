package org.speechmoe.tornado;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.speechmoe.runtime.spi.ExpertLayer;
import org.speechmoe.runtime.spi.BackendUnavailableException;
import org.speechmoe.runtime.spi.ExpertOffload;
import uk.ac.manchester.tornado.api.exceptions.TornadoBailoutRuntimeException;
import uk.ac.manchester.tornado.api.exceptions.TornadoDeviceFP16NotSupported;

/**
 * The routed experts of one model on a TornadoVM device. Each MoE layer gets its own task graph and device buffers on
 * its first call ({@link LayerOnDevice}); they stay until {@link #close()}. Thread-safe: calls of different layers run
 * concurrently, calls of one layer one after the other (its buffers are shared).
 */
final class TornadoExpertOffload implements ExpertOffload {
    private final String description;
    private final Map<ExpertLayer, LayerOnDevice> layers = new IdentityHashMap<>();
    private boolean closed;

    TornadoExpertOffload(String description) {
        this.description = description;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void expertFfn(ExpertLayer layer, float[] gathered, int[] offsets, float[] rowScale, float[] out) {
        LayerOnDevice onDevice = onDevice(layer);
        synchronized (onDevice) {
            try {
                onDevice.run(gathered, offsets, rowScale, out);
            } catch (TornadoBailoutRuntimeException | TornadoDeviceFP16NotSupported e) {
                if (onDevice.halfPrecision()) {
                    // PoCL and some GPUs lack cl_khr_fp16: TornadoVM's half kernels then fail to build.
                    throw new BackendUnavailableException(description + " cannot build the half-precision expert "
                            + "kernels (no fp16 support): convert the model to f32 or q8 to run its experts on the GPU", e);
                }
                throw e;
            }
        }
    }

    private synchronized LayerOnDevice onDevice(ExpertLayer layer) {
        if (closed) {
            throw new IllegalStateException("the GPU offload was closed with its model");
        }
        return layers.computeIfAbsent(layer, l -> new LayerOnDevice("experts" + layers.size(), l));
    }

    @Override
    public void close() {
        List<LayerOnDevice> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(layers.values());
            layers.clear();
        }
        for (LayerOnDevice l : all) {
            synchronized (l) {
                l.close();
            }
        }
    }
}
