package org.speechmoe.tornado;

import org.speechmoe.runtime.spi.BackendUnavailableException;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.runtime.TornadoRuntimeProvider;

/** TornadoVM's default device, the one the task graphs run on; loaded only once TornadoVM is known to be present. */
final class TornadoDevices {
    private TornadoDevices() {
    }

    /** {@code "TornadoVM OPENCL: NVIDIA H200"}, or a one-line error when TornadoVM has no usable device. */
    static String describeDefault() {
        try {
            TornadoDevice device = TornadoRuntimeProvider.getTornadoRuntime().getDefaultDevice();
            return "TornadoVM " + device.getTornadoVMBackend() + ": " + device.getPhysicalDevice().getDeviceName();
        } catch (RuntimeException | LinkageError e) {
            throw new BackendUnavailableException("TornadoVM found no usable device (" + e.getMessage() + "): "
                    + "install the OpenCL or CUDA driver of the GPU (or Debian's pocl-opencl-icd to test on the CPU) "
                    + "and check with 'tornado --devices'", e);
        }
    }
}
