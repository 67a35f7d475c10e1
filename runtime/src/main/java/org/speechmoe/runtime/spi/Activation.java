package org.speechmoe.runtime.spi;

/** Element-wise functions a matrix-multiply epilogue can apply. */
public enum Activation {
    NONE {
        @Override
        public float apply(float x) {
            return x;
        }
    },
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
            return x * (float) (1.0 / (1.0 + StrictMath.exp(-x)));
        }
    };

    public abstract float apply(float x);
}
