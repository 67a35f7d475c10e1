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

    /** 16-bit PCM as samples in [-1, 1). */
    public static float[] fromPcm16(short[] pcm) {
        float[] samples = new float[pcm.length];
        for (int i = 0; i < pcm.length; i++) {
            samples[i] = pcm[i] / 32768f;
        }
        return samples;
    }

    public double seconds() {
        return samples.length / (double) sampleRate;
    }
}
