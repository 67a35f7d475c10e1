package org.speechmoe.runtime.internal.backend;

import java.util.Arrays;
import java.util.Random;

/**
 * Random arguments of {@link Backend#attention}: {@code queries} query rows for the last frames of {@code keys} key,
 * value and position rows, {@code heads} heads of {@code dk} columns.
 */
public record AttentionInputs(int queries, int keys, int heads, int dk, float[] q, float[] k, float[] v, float[] p,
                              float[] biasU, float[] biasV) {
    public static AttentionInputs random(Random random, int queries, int keys, int heads, int dk) {
        int d = heads * dk;
        return new AttentionInputs(queries, keys, heads, dk, uniform(random, queries * d, 2f),
                uniform(random, keys * d, 2f), uniform(random, keys * d, 1f), uniform(random, keys * d, 1f),
                uniform(random, d, 0.5f), uniform(random, d, 0.5f));
    }

    private static float[] uniform(Random random, int n, float range) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (random.nextFloat() * 2 - 1) * range;
        }
        return a;
    }

    public int d() {
        return heads * dk;
    }

    /** The same keys with only the last {@code n} queries. */
    public AttentionInputs lastQueries(int n) {
        return new AttentionInputs(n, keys, heads, dk, Arrays.copyOfRange(q, (queries - n) * d(), queries * d()), k,
                v, p, biasU, biasV);
    }

    /** {@code backend}'s attention output, {@code queries × d}. */
    public float[] attend(Backend backend) {
        float[] out = new float[queries * d()];
        backend.attention(q, k, v, p, biasU, biasV, queries, keys, heads, out);
        return out;
    }
}
