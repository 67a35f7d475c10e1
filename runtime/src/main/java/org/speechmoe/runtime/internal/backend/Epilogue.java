package org.speechmoe.runtime.internal.backend;

import org.speechmoe.runtime.spi.Activation;

/**
 * What a matrix multiply does with each dot product before storing it:
 * {@code v = activation(dot + bias[biasOffset + o]) * scale * rowScale[rowScaleOffset + r]}, then {@code y = v} or,
 * accumulating, {@code y += v}. Fusing these saves a pass over the output, and lets residual connections and expert
 * gates cost nothing extra. {@link #apply} is the definition; vector kernels apply the same steps lane-wise and call
 * it (or {@link #finish}) for the columns left over.
 *
 * @param bias           per output column, or null
 * @param biasOffset     where column 0's bias is: one expert's slice of a layer's stacked biases is read in place
 * @param rowScale       per input row (the expert gate of each frame), or null
 * @param rowScaleOffset where row 0's scale is in {@code rowScale}
 * @param accumulate     add into the output (a residual connection) instead of overwriting it
 */
public record Epilogue(float[] bias, int biasOffset, Activation activation, float scale, float[] rowScale,
                       int rowScaleOffset, boolean accumulate) {
    /** Bias and row scales from index 0. */
    public Epilogue(float[] bias, Activation activation, float scale, float[] rowScale, boolean accumulate) {
        this(bias, 0, activation, scale, rowScale, 0, accumulate);
    }

    public static Epilogue store(float[] bias, Activation activation) {
        return new Epilogue(bias, activation, 1f, null, false);
    }

    /** {@code y += scale * (dot + bias)}: a residual branch. */
    public static Epilogue addScaled(float[] bias, float scale) {
        return new Epilogue(bias, Activation.NONE, scale, null, true);
    }

    /** The new value of {@code y[row, col]}, which held {@code previous}, for the dot product {@code dot}. */
    public float apply(float dot, int row, int col, float previous) {
        return finish(activation.apply(bias == null ? dot : dot + bias[biasOffset + col]), row, previous);
    }

    /** The steps after the activation: {@link #scaleOf} the row, then store or accumulate. */
    public float finish(float activated, int row, float previous) {
        float v = activated * scaleOf(row);
        return accumulate ? previous + v : v;
    }

    /** {@code scale · rowScale[rowScaleOffset + row]}, or {@code scale} without row scales. */
    public float scaleOf(int row) {
        return rowScale == null ? scale : scale * rowScale[rowScaleOffset + row];
    }
}
