package org.speechmoe.runtime.internal.features;

/**
 * Kaldi's povey window, {@code (0.5 - 0.5 cos(2 pi i / (N - 1)))^0.85}, with the float values PyTorch gives
 * ({@code torch.hann_window(N, periodic=False).pow(0.85)} in float32): the argument, cosine, scaling and power each
 * rounded to float.
 *
 * <p>PyTorch's vectorized float cos and pow (SLEEF, 1-ulp accurate) round a few values differently from the correctly
 * rounded ones computed here. For the 400-sample window (25 ms at 16 kHz, what every 3m-asr model uses) those values
 * are recorded below, because the reference features depend on them: with the computed window alone the log-mel values
 * of bins 120 dB below a frame's peak move by up to 0.015. Other sizes use the computed window.
 */
final class PoveyWindow {
    private static final int RECORDED_SIZE = 400;
    /** Index, then the float bits PyTorch 1.13 (x86-64, AVX2 SLEEF) computes there. */
    private static final int[][] RECORDED_VALUES = {
            {19, 0x3d210f2b}, {68, 0x3ea31636}, {70, 0x3eaa7abf}, {150, 0x3f6039c2}, {155, 0x3f661fd2},
            {235, 0x3f6f5706}, {267, 0x3f46e8cd}, {282, 0x3f2dd2ab}, {329, 0x3eaa7ac2}, {337, 0x3e8d5800},
            {358, 0x3e116f0b}};
    private static final float EXPONENT = 0.85f;

    private PoveyWindow() {
    }

    static float[] of(int size) {
        float step = (float) (Math.PI * 2 / (size - 1));
        float[] w = new float[size];
        for (int i = 0; i < size; i++) {
            float cos = (float) StrictMath.cos((float) i * step);
            float hann = cos * -0.5f + 0.5f;
            w[i] = (float) StrictMath.pow(hann, EXPONENT);
        }
        if (size == RECORDED_SIZE) {
            for (int[] recorded : RECORDED_VALUES) {
                w[recorded[0]] = Float.intBitsToFloat(recorded[1]);
            }
        }
        return w;
    }
}
