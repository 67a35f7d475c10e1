package org.speechmoe.runtime.encoder;

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
    public void apply(float[] x, int frames, float[] out) {
        int d = weight.length;
        for (int t = 0; t < frames; t++) {
            int base = t * d;
            double sum = 0;
            for (int c = 0; c < d; c++) {
                sum += x[base + c];
            }
            float mean = (float) (sum / d);
            double sq = 0;
            for (int c = 0; c < d; c++) {
                float dev = x[base + c] - mean;
                sq += dev * dev;
            }
            float inv = (float) (1.0 / Math.sqrt(sq / d + eps));
            for (int c = 0; c < d; c++) {
                out[base + c] = (x[base + c] - mean) * inv * weight[c] + bias[c];
            }
        }
    }
}
