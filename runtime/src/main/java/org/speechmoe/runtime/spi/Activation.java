package org.speechmoe.runtime.spi;

/** Element-wise functions a matrix-multiply epilogue can apply. */
public enum Activation {
    /** The identity. */
    NONE {
        @Override
        public float apply(float x) {
            return x;
        }
    },
    /** {@code max(x, 0)}. */
    RELU {
        @Override
        public float apply(float x) {
            return Math.max(x, 0f);
        }
    },
    /** x · sigmoid(x), as PyTorch's SiLU computes it in float. */
    SWISH {
        @Override
        public float apply(float x) {
            return x * sigmoid(x);
        }
    };

    /**
     * The function at one value.
     *
     * @param x the input
     * @return the activation of {@code x}
     */
    public abstract float apply(float x);

    /**
     * The logistic function {@code 1 / (1 + e^-x)}, computed in double and rounded once: the gate of {@link #SWISH}
     * and of the gated linear unit, as PyTorch computes them in float.
     *
     * @param x the input
     * @return {@code 1 / (1 + e^-x)}
     */
    public static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + StrictMath.exp(-x)));
    }
}
