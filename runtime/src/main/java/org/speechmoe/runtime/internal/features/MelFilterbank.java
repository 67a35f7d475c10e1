package org.speechmoe.runtime.internal.features;

import java.util.Arrays;

/**
 * Kaldi's triangular mel filters over the bins of a power spectrum: {@code numBins} triangles equally spaced on the mel
 * scale {@code 1127 ln(1 + f/700)} between the low and high frequency, each rising from its left neighbour's centre
 * to its own and falling to its right neighbour's, with the slopes taken in the mel domain. The Nyquist bin gets no
 * weight, as in Kaldi.
 *
 * <p>The weights are computed in float with the operations of {@code torchaudio.compliance.kaldi.get_mel_banks}: the
 * mel value of an FFT bin is only good to 2e-4 in float, which changes the weights of the narrow low filters by up to
 * 1e-4 relative, and the reference features carry those weights.
 */
final class MelFilterbank {
    /** For filter m: the first FFT bin with a nonzero weight, and the weights from there on. */
    private final int[] first;
    private final double[][] weights;

    MelFilterbank(int numBins, int fftSize, double sampleRate, double lowFreq, double highFreq) {
        double melLow = mel(lowFreq);
        double melDelta = (mel(highFreq) - melLow) / (numBins + 1);
        float binWidth = (float) (sampleRate / fftSize);
        float[] fftMel = new float[fftSize / 2];
        for (int k = 0; k < fftMel.length; k++) {
            fftMel[k] = 1127f * (float) StrictMath.log(1f + k * binWidth / 700f);
        }
        first = new int[numBins];
        weights = new double[numBins][];
        for (int m = 0; m < numBins; m++) {
            float left = m * (float) melDelta + (float) melLow;
            float center = (m + 1) * (float) melDelta + (float) melLow;
            float right = (m + 2) * (float) melDelta + (float) melLow;
            double[] w = new double[fftMel.length];
            int lo = w.length;
            int hi = -1;
            for (int k = 0; k < w.length; k++) {
                float up = (fftMel[k] - left) / (center - left);
                float down = (right - fftMel[k]) / (right - center);
                w[k] = Math.max(0, Math.min(up, down));
                if (w[k] > 0) {
                    lo = Math.min(lo, k);
                    hi = k;
                }
            }
            first[m] = lo;
            weights[m] = hi < lo ? new double[0] : Arrays.copyOfRange(w, lo, hi + 1);
        }
    }

    static double mel(double hz) {
        return 1127 * StrictMath.log(1 + hz / 700);
    }

    int size() {
        return first.length;
    }

    /** The energy of filter {@code m} in {@code power} (bins 0 .. fftSize/2 - 1). */
    double energy(int m, double[] power) {
        double[] w = weights[m];
        int off = first[m];
        double e = 0;
        for (int i = 0; i < w.length; i++) {
            e += w[i] * power[off + i];
        }
        return e;
    }
}
