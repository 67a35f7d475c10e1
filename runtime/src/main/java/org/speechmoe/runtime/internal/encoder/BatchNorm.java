package org.speechmoe.runtime.internal.encoder;

import org.speechmoe.runtime.internal.backend.Backend;

/** BatchNorm at inference: the running statistics folded into one scale and shift per channel. */
final class BatchNorm implements Norm {
    private static final double EPS = 1e-5;
    private final float[] scale;
    private final float[] shift;

    BatchNorm(float[] weight, float[] bias, float[] runningMean, float[] runningVar) {
        int d = weight.length;
        scale = new float[d];
        shift = new float[d];
        for (int c = 0; c < d; c++) {
            scale[c] = (float) (weight[c] / Math.sqrt(runningVar[c] + EPS));
            shift[c] = bias[c] - runningMean[c] * scale[c];
        }
    }

    @Override
    public void apply(Backend backend, float[] x, int frames, float[] out) {
        backend.scaleShift(x, frames, scale, shift, out);
    }
}
