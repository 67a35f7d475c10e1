package org.speechmoe.runtime.internal.backend.vector;

/**
 * The scratch of one backend instance, kept between calls: fresh per call it was a large share of everything a pass
 * allocated (and zeroed). Each slot of the backend's {@link ParallelLoop} has its own multiply and attention scratch;
 * the x panels and the expert layers' hidden activations are the caller's (slot 0's), filled before a loop and only
 * read during it. Buffers grow to the largest call seen and live as long as the backend, so that a recognizer's
 * passes reuse them. Every kernel writes what it reads of them first: contents are whatever the previous call left.
 */
final class KernelScratch {
    private final GemmScratch[] gemm;
    private final Attention.Scratch[] attention;
    private float[] panels = new float[0];
    private float[] hidden = new float[0];

    KernelScratch(int slots) {
        gemm = new GemmScratch[slots];
        attention = new Attention.Scratch[slots];
    }

    GemmScratch gemm(int slot) {
        if (gemm[slot] == null) {
            gemm[slot] = new GemmScratch();
        }
        return gemm[slot];
    }

    /** Slot {@code slot}'s attention buffers for {@code keys} keys of {@code dk} columns, with no head loaded. */
    Attention.Scratch attention(int slot, int keys, int dk) {
        Attention.Scratch s = attention[slot];
        if (s == null || s.keys != keys || s.dk != dk) {
            s = new Attention.Scratch(keys, dk);
            attention[slot] = s;
        }
        s.head = -1;
        return s;
    }

    /** At least {@code floats} floats for x packed into panels. */
    float[] panels(int floats) {
        panels = atLeast(panels, floats);
        return panels;
    }

    /**
     * At least {@code floats} floats for an expert layer's hidden activations (panels or rows): a large layer would
     * otherwise allocate and zero megabytes per call.
     */
    float[] hidden(int floats) {
        hidden = atLeast(hidden, floats);
        return hidden;
    }

    /** {@code buffer}, or a new one when it holds fewer than {@code floats}: scratch grows, never shrinks. */
    static float[] atLeast(float[] buffer, int floats) {
        return buffer.length >= floats ? buffer : new float[floats];
    }
}
