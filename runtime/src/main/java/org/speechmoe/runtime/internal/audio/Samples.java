package org.speechmoe.runtime.internal.audio;

import java.util.Objects;

/**
 * Mono audio: samples nominally in [-1, 1] (full-scale PCM maps to ±1; float files may exceed it) at {@code sampleRate}
 * samples per second. The array is shared, not copied.
 */
public record Samples(float[] samples, int sampleRate) {
    public Samples {
        Objects.requireNonNull(samples, "samples");
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
        }
    }

    public double seconds() {
        return samples.length / (double) sampleRate;
    }
}
