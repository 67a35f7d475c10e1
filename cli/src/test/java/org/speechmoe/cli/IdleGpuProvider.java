package org.speechmoe.cli;

import java.util.Arrays;
import org.speechmoe.runtime.spi.ExpertLayer;
import org.speechmoe.runtime.spi.ExpertOffload;
import org.speechmoe.runtime.spi.ExpertOffloadProvider;

/**
 * A planted bug for {@code routing --check}: a "gpu" that returns zeros instead of the experts' outputs. It answers
 * to {@code gpu} only while {@link #ACTIVE} is set.
 */
public final class IdleGpuProvider implements ExpertOffloadProvider {
    static volatile boolean ACTIVE;

    @Override
    public String device() {
        return ACTIVE ? "gpu" : "planted-idle-gpu";
    }

    @Override
    public ExpertOffload open() {
        return new ExpertOffload() {
            @Override
            public String description() {
                return "computes nothing";
            }

            @Override
            public void expertFfn(ExpertLayer layer, float[] gathered, int[] offsets, float[] rowScale, float[] out) {
                Arrays.fill(out, 0f);
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }
}
