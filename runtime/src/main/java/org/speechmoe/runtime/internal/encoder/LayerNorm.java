package org.speechmoe.runtime.internal.encoder;

import org.speechmoe.runtime.internal.backend.Backend;

/** LayerNorm over the channels of each frame: {@code (x - mean) / sqrt(var + eps) * weight + bias}. */
final class LayerNorm implements Norm {
    /** The encoders' LayerNorms use 1e-12 (3m-asr), the convolution module's PyTorch's default 1e-5. */
    static final float ENCODER_EPS = 1e-12f;
    static final float CONV_EPS = 1e-5f;

    private final float[] weight;
    private final float[] bias;
    private final float eps;

    LayerNorm(float[] weight, float[] bias, float eps) {
        this.weight = weight;
        this.bias = bias;
        this.eps = eps;
    }

    @Override
    public void apply(Backend backend, float[] x, int frames, float[] out) {
        backend.layerNorm(x, frames, weight, bias, eps, out);
    }
}
