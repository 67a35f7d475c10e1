package org.speechmoe.runtime.internal.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The attention specification with fewer queries than keys ({@link ScalarBackend#attention}): the new frames of a
 * sequence attend to a cached prefix and to themselves exactly as they would within the whole sequence.
 */
class AttentionProperties {
    private static float[] randoms(Random random, int n, float range) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (random.nextFloat() * 2 - 1) * range;
        }
        return a;
    }

    /** Attention over the prefix and n new keys, for the last n queries, is the last n rows of full attention. */
    @Property(tries = 200)
    void theNewFramesAgainstPrefixAndThemselvesAreTheLastRowsOfFullAttention(
            @ForAll long seed, @ForAll @IntRange(min = 0, max = 40) int prefix,
            @ForAll @IntRange(min = 1, max = 30) int fresh, @ForAll @IntRange(min = 1, max = 4) int heads,
            @ForAll @IntRange(min = 1, max = 12) int dk) {
        Random random = new Random(seed);
        int frames = prefix + fresh;
        int d = heads * dk;
        float[] q = randoms(random, frames * d, 2f);
        float[] k = randoms(random, frames * d, 2f);
        float[] v = randoms(random, frames * d, 1f);
        float[] p = randoms(random, frames * d, 1f);
        float[] u = randoms(random, d, 0.5f);
        float[] bv = randoms(random, d, 0.5f);
        Backend spec = new ScalarBackend();
        float[] full = new float[frames * d];
        spec.attention(q, k, v, p, u, bv, frames, frames, heads, full);
        float[] last = new float[fresh * d];
        spec.attention(Arrays.copyOfRange(q, prefix * d, frames * d), k, v, p, u, bv, fresh, frames, heads, last);
        assertArrayEquals(Arrays.copyOfRange(full, prefix * d, frames * d), last);
    }

    /** With one key every query's weight on it is 1: the output is that key's value row, exactly. */
    @Property(tries = 50)
    void oneKeyGivesItsValue(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int heads,
                             @ForAll @IntRange(min = 1, max = 12) int dk) {
        Random random = new Random(seed);
        int d = heads * dk;
        float[] v = randoms(random, d, 1f);
        float[] out = new float[d];
        new ScalarBackend().attention(randoms(random, d, 2f), randoms(random, d, 2f), v, randoms(random, d, 1f),
                randoms(random, d, 0.5f), randoms(random, d, 0.5f), 1, 1, heads, out);
        assertArrayEquals(v, out);
    }
}
