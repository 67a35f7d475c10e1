package org.speechmoe.runtime.internal.audio;

/** Sizes shared by the readers that pass audio along in blocks. */
final class Blocks {
    /** Samples a block: a few seconds, large enough that per-block costs vanish, small next to a recording. */
    static final int SAMPLES = 1 << 16;
    /** Bytes a block of encoded input. */
    static final int BYTES = 1 << 16;
    /** The most samples an array holds. */
    static final int MAX_SAMPLES = Integer.MAX_VALUE - 8;

    private Blocks() {
    }
}
