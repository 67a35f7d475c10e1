package org.speechmoe.runtime.internal.backend.vector;

/**
 * One slot's scratch for matrix multiplies ({@link KernelScratch}): a decoded weight block, its panels, and the dot
 * products of one tile.
 */
final class GemmScratch {
    private static final int L = VectorWidth.FLOATS.length();
    private float[] block = new float[0];
    private float[] dots = new float[0];
    private float[] weightPanels = new float[0];
    /** {@code i · in} for the L lanes of the weight-panel gather, for the {@code in} of the last call. */
    private final int[] rowStarts = new int[L];
    private int rowStartsIn = -1;

    int[] rowStarts(int in) {
        if (rowStartsIn != in) {
            for (int i = 0; i < L; i++) {
                rowStarts[i] = i * in;
            }
            rowStartsIn = in;
        }
        return rowStarts;
    }

    float[] weightPanels(int n) {
        weightPanels = KernelScratch.atLeast(weightPanels, n);
        return weightPanels;
    }

    float[] block(int n) {
        block = KernelScratch.atLeast(block, n);
        return block;
    }

    float[] dots(int n) {
        dots = KernelScratch.atLeast(dots, n);
        return dots;
    }
}
