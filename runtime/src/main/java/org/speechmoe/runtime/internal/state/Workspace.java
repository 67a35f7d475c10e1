package org.speechmoe.runtime.internal.state;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Scratch arrays of the encoder's layers, shared by the blocks of one pass: a pass of the S model allocated (and the
 * JVM zeroed) about 350 MB of short-lived activations, a new set per block, evicting from the caches the weights and
 * activations the next layer reads; reused arrays stay warm. Each name keeps its two most recent sizes (the embedding
 * network and the encoder differ in width). The encoder releases them at the end of its pass, so that an
 * idle thread holds none (kept between passes they were 85-100 MB a thread for 30 s of S or L).
 *
 * <p>Internal to the runtime (public because the MoE layer's package uses it too). The contents are whatever the
 * previous user left: callers write every element they read. A name belongs to one
 * call site that is never re-entered while its array is in use, and an array never leaves that call.
 */
public final class Workspace {
    private static final ThreadLocal<Map<String, float[][]>> BUFFERS = ThreadLocal.withInitial(HashMap::new);
    /** Tests: every array handed out is filled with NaN first, so that a read before a write shows. */
    private static volatile boolean poison;

    private Workspace() {
    }

    /** Drops this thread's arrays (the end of a pass). */
    public static void release() {
        BUFFERS.remove();
    }

    public static void poison(boolean on) {
        poison = on;
    }

    /** An array of exactly {@code n} floats for this thread's scratch {@code name}; its contents are undefined. */
    public static float[] floats(String name, int n) {
        float[][] recent = BUFFERS.get().computeIfAbsent(name, k -> new float[2][]);
        float[] array;
        if (recent[0] != null && recent[0].length == n) {
            array = recent[0];
        } else {
            array = recent[1] != null && recent[1].length == n ? recent[1] : new float[n];
            recent[1] = recent[0];
            recent[0] = array;
        }
        if (poison) {
            Arrays.fill(array, Float.NaN);
        }
        return array;
    }
}
