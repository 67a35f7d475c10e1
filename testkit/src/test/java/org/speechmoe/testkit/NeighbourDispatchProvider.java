package org.speechmoe.testkit;

import org.speechmoe.runtime.spi.ExpertLayer;
import org.speechmoe.runtime.spi.ExpertOffload;
import org.speechmoe.runtime.spi.ExpertOffloadProvider;

/**
 * A planted bug: a "gpu" whose dispatch hands expert 0's frames to its neighbour, expert 1, and is otherwise right.
 * It answers to {@code gpu} only while {@link #ACTIVE} is set, so that the kit's other tests never meet it.
 */
public final class NeighbourDispatchProvider implements ExpertOffloadProvider {
    static volatile boolean ACTIVE;

    @Override
    public String device() {
        return ACTIVE ? "gpu" : "planted-neighbour-dispatch";
    }

    @Override
    public ExpertOffload open() {
        DenseExpertOffload right = new DenseExpertOffload();
        return new ExpertOffload() {
            @Override
            public String description() {
                return "expert 0's rows dispatched to expert 1";
            }

            @Override
            public void expertFfn(ExpertLayer layer, float[] gathered, int[] offsets, float[] rowScale, float[] out) {
                int[] wrong = offsets.clone();
                wrong[1] = wrong[0];
                right.expertFfn(layer, gathered, wrong, rowScale, out);
            }

            @Override
            public void close() {
                right.close();
            }
        };
    }
}
