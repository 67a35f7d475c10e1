package org.speechmoe.testkit;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.speechmoe.runtime.spi.ExpertLayer;
import org.speechmoe.runtime.spi.ExpertOffload;
import org.speechmoe.runtime.spi.Matrix;

/**
 * The experts computed the dense way, as a training framework does: every expert on every frame, from the weights'
 * scalar decoding ({@link Matrix#decodeRow}), then a one-hot mask of the route selects one output a frame. What the
 * runtime's sparse dispatch (each frame through its expert only) must equal.
 */
final class DenseExpertOffload implements ExpertOffload {
    private final AtomicInteger calls = new AtomicInteger();
    private final List<DispatchProblem> dispatchProblems = new CopyOnWriteArrayList<>();

    /**
     * A dispatch that does not hand each frame to exactly one expert.
     *
     * @param layer  the MoE layer (the offload's calls come in layer order, one recording at a time)
     * @param frame  the gathered row concerned, or -1
     * @param detail what is wrong
     */
    record DispatchProblem(int layer, int frame, String detail) {
    }

    /** The dispatches seen so far that did not hand each frame to exactly one expert. */
    List<DispatchProblem> dispatchProblems() {
        return List.copyOf(dispatchProblems);
    }

    /** How many MoE layers it computed since it was opened. */
    int calls() {
        return calls.get();
    }

    @Override
    public String description() {
        return "speechmoe-testkit dense experts";
    }

    @Override
    public void expertFfn(ExpertLayer layer, float[] gathered, int[] offsets, float[] rowScale, float[] out) {
        int index = calls.getAndIncrement();
        int experts = layer.experts();
        int d = layer.dim();
        int h = layer.hidden();
        int rows = gathered.length / d;
        if (offsets.length != experts + 1 || offsets[0] != 0 || offsets[experts] != rows) {
            dispatchProblems.add(new DispatchProblem(index, -1, "the dispatch's " + offsets.length + " offsets "
                    + Arrays.toString(offsets) + " do not split the " + rows + " frames among " + experts
                    + " experts"));
            return;
        }
        for (int e = 0; e < experts; e++) {
            if (offsets[e + 1] < offsets[e]) {
                dispatchProblems.add(new DispatchProblem(index, offsets[e], "expert " + e + " is given rows "
                        + offsets[e] + " to " + offsets[e + 1] + ": frames counted twice or not at all"));
                return;
            }
        }
        float[][] w1 = new float[experts][];
        float[][] w2 = new float[experts][];
        for (int e = 0; e < experts; e++) {
            w1[e] = decode(layer.w1(e));
            w2[e] = decode(layer.w2(e));
        }
        float[] hidden = new float[h];
        float[] each = new float[d];
        for (int e = 0; e < experts; e++) {
            for (int r = offsets[e]; r < offsets[e + 1]; r++) {
                int x = r * d;
                Arrays.fill(out, x, x + d, 0f);
                for (int j = 0; j < experts; j++) {
                    for (int k = 0; k < h; k++) {
                        float acc = 0;
                        for (int i = 0; i < d; i++) {
                            acc += w1[j][k * d + i] * gathered[x + i];
                        }
                        hidden[k] = layer.activation().apply(acc + layer.b1()[j * h + k]);
                    }
                    float mask = j == e ? 1f : 0f;
                    for (int c = 0; c < d; c++) {
                        float acc = 0;
                        for (int k = 0; k < h; k++) {
                            acc += w2[j][c * h + k] * hidden[k];
                        }
                        each[c] = layer.scale() * rowScale[r] * (acc + layer.b2()[j * d + c]);
                        out[x + c] += mask * each[c];
                    }
                }
            }
        }
    }

    private static float[] decode(Matrix m) {
        float[] all = new float[m.rows() * m.cols()];
        float[] row = new float[m.cols()];
        for (int r = 0; r < m.rows(); r++) {
            m.decodeRow(r, row);
            System.arraycopy(row, 0, all, r * m.cols(), m.cols());
        }
        return all;
    }

    @Override
    public void close() {
        // heap only: nothing to free
    }
}
