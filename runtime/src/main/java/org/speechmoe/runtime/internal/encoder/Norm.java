package org.speechmoe.runtime.internal.encoder;

import org.speechmoe.runtime.internal.backend.Backend;

/** A per-frame normalization over the channels of {@code frames × channels} activations. */
interface Norm {
    /** Normalizes {@code x} into {@code out} (which may be {@code x}). */
    void apply(Backend backend, float[] x, int frames, float[] out);
}
