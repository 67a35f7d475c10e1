package org.speechmoe.runtime.internal.features;

import java.util.Objects;

/** A feature matrix: {@code frames} rows of {@code bins} values, row-major in {@code data}. The array is shared. */
public record Features(int frames, int bins, float[] data) {
    public Features {
        Objects.requireNonNull(data, "data");
        if (frames < 0 || bins <= 0 || data.length != (long) frames * bins) {
            throw new IllegalArgumentException("features of " + frames + " x " + bins + " cannot hold "
                    + data.length + " values");
        }
    }

    public float get(int t, int b) {
        Objects.checkIndex(b, bins);
        return data[Objects.checkIndex(t, frames) * bins + b];
    }
}
