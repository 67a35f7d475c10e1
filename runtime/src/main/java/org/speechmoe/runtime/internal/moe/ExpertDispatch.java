package org.speechmoe.runtime.internal.moe;

/**
 * Frames grouped by expert: a stable counting sort of the routes. {@code order[i]} is the frame at gathered position
 * i; expert e owns gathered positions {@code [offsets[e], offsets[e+1])}. Gathering then scattering visits every
 * frame exactly once.
 */
public record ExpertDispatch(int[] order, int[] offsets) {
    public static ExpertDispatch of(int[] experts, int numExperts) {
        int[] offsets = new int[numExperts + 1];
        for (int e : experts) {
            offsets[e + 1]++;
        }
        for (int e = 0; e < numExperts; e++) {
            offsets[e + 1] += offsets[e];
        }
        int[] next = offsets.clone();
        int[] order = new int[experts.length];
        for (int t = 0; t < experts.length; t++) {
            order[next[experts[t]]++] = t;
        }
        return new ExpertDispatch(order, offsets);
    }

    public int rowsOf(int expert) {
        return offsets[expert + 1] - offsets[expert];
    }

    /** Rows of {@code x} ({@code × width}) in gathered order. */
    public float[] gather(float[] x, int width) {
        float[] out = new float[order.length * width];
        for (int i = 0; i < order.length; i++) {
            System.arraycopy(x, order[i] * width, out, i * width, width);
        }
        return out;
    }

    /** Per-frame values in gathered order. */
    public float[] gather(float[] values) {
        float[] out = new float[order.length];
        for (int i = 0; i < order.length; i++) {
            out[i] = values[order[i]];
        }
        return out;
    }

    /** {@code x[order[i]] += rows[i]} for every gathered row. */
    public void scatterAdd(float[] rows, int width, float[] x) {
        for (int i = 0; i < order.length; i++) {
            int dst = order[i] * width;
            int src = i * width;
            for (int c = 0; c < width; c++) {
                x[dst + c] += rows[src + c];
            }
        }
    }
}
