package org.speechmoe.runtime.internal.backend;

import org.speechmoe.runtime.spi.Activation;

/**
 * What a matrix multiply does with each dot product before storing it:
 * {@code v = activation(dot + bias[o]) * scale * rowScale[r]}, then {@code y = v} or, accumulating, {@code y += v}.
 * Fusing these saves a pass over the output, and lets residual connections and expert gates cost nothing extra.
 *
 * @param bias       per output column, or null
 * @param rowScale   per input row (the expert gate of each frame), or null
 * @param accumulate add into the output (a residual connection) instead of overwriting it
 */
public record Epilogue(float[] bias, Activation activation, float scale, float[] rowScale, boolean accumulate) {
    public static Epilogue store(float[] bias, Activation activation) {
        return new Epilogue(bias, activation, 1f, null, false);
    }

    /** {@code y += scale * (dot + bias)}: a residual branch. */
    public static Epilogue addScaled(float[] bias, float scale) {
        return new Epilogue(bias, Activation.NONE, scale, null, true);
    }

    public float apply(float dot, int row, int col, float previous) {
        float v = activation.apply(bias == null ? dot : dot + bias[col]);
        v *= rowScale == null ? scale : scale * rowScale[row];
        return accumulate ? previous + v : v;
    }
}
