package org.speechmoe.runtime.internal.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.speechmoe.runtime.spi.ExpertLayer;
import org.speechmoe.runtime.spi.ExpertOffload;
import org.speechmoe.runtime.spi.ExpertOffloadProvider;

/**
 * A stand-in "gpu" found through {@link java.util.ServiceLoader} by the tests (registered in the test resources):
 * computes the experts with the scalar backend and records what the runtime asked of it.
 */
public final class RecordingOffloadProvider implements ExpertOffloadProvider {
    public static final AtomicInteger OPENED = new AtomicInteger();
    public static final List<RecordingOffload> OFFLOADS = new ArrayList<>();

    @Override
    public String device() {
        return "gpu";
    }

    @Override
    public ExpertOffload open() {
        OPENED.incrementAndGet();
        RecordingOffload offload = new RecordingOffload();
        synchronized (OFFLOADS) {
            OFFLOADS.add(offload);
        }
        return offload;
    }

    public static final class RecordingOffload implements ExpertOffload {
        public final AtomicInteger calls = new AtomicInteger();
        public volatile boolean closed;

        @Override
        public String description() {
            return "recording";
        }

        @Override
        public void expertFfn(ExpertLayer layer, float[] gathered, int[] offsets, float[] rowScale, float[] out) {
            if (closed) {
                throw new IllegalStateException("closed");
            }
            calls.incrementAndGet();
            new ScalarBackend().expertFfn(layer, gathered, offsets, rowScale, out);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
