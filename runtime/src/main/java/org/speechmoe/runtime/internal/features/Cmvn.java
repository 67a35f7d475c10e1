package org.speechmoe.runtime.internal.features;

import java.util.Objects;

/**
 * Global cepstral mean and variance normalization: {@code (x - mean) * istd} per bin, in float as 3m-asr computes it.
 * The model carries {@code mean} and {@code istd} (the converter derives them from WeNet's statistics).
 */
public record Cmvn(float[] mean, float[] istd) {
    public Cmvn {
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(istd, "istd");
        if (mean.length != istd.length) {
            throw new IllegalArgumentException("CMVN mean has " + mean.length + " values, istd " + istd.length);
        }
    }

    public void applyInPlace(Features features) {
        int bins = features.bins();
        if (bins != mean.length) {
            throw new IllegalArgumentException("CMVN is for " + mean.length + " bins, the features have " + bins);
        }
        float[] d = features.data();
        for (int row = 0; row < d.length; row += bins) {
            for (int b = 0; b < bins; b++) {
                d[row + b] = (d[row + b] - mean[b]) * istd[b];
            }
        }
    }
}
