package org.speechmoe.runtime.encoder;

import java.util.HashMap;
import java.util.Map;

/**
 * Scratch arrays of the encoder's layers, kept per thread between calls: a pass of the S model allocated (and the
 * JVM zeroed) about 300 MB of short-lived activations, evicting from the caches the weights and activations the next
 * layer reads; reused arrays stay warm. Each name keeps its two most recent sizes (the embedding network and the
 * encoder differ in width), so a thread holds at most twice the largest of each buffer it has used, until it ends.
 *
 * <p>Internal to the runtime (public because the MoE layer's package uses it too). The contents are whatever the
 * previous user left: callers write every element they read. A name belongs to one
 * call site that is never re-entered while its array is in use, and an array never leaves that call.
 */
public final class Workspace {
    private static final ThreadLocal<Map<String, float[][]>> BUFFERS = ThreadLocal.withInitial(HashMap::new);

    private Workspace() {
    }

    /** An array of exactly {@code n} floats for this thread's scratch {@code name}; its contents are undefined. */
    public static float[] floats(String name, int n) {
        float[][] recent = BUFFERS.get().computeIfAbsent(name, k -> new float[2][]);
        if (recent[0] != null && recent[0].length == n) {
            return recent[0];
        }
        float[] other = recent[1] != null && recent[1].length == n ? recent[1] : new float[n];
        recent[1] = recent[0];
        recent[0] = other;
        return other;
    }
}
