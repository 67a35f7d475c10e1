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
    /** Attention over the prefix and n new keys, for the last n queries, is the last n rows of full attention. */
    @Property(tries = 200)
    void theNewFramesAgainstPrefixAndThemselvesAreTheLastRowsOfFullAttention(
            @ForAll long seed, @ForAll @IntRange(min = 0, max = 40) int prefix,
            @ForAll @IntRange(min = 1, max = 30) int fresh, @ForAll @IntRange(min = 1, max = 4) int heads,
            @ForAll @IntRange(min = 1, max = 12) int dk) {
        int frames = prefix + fresh;
        AttentionInputs all = AttentionInputs.random(new Random(seed), frames, frames, heads, dk);
        Backend spec = new ScalarBackend();
        float[] full = all.attend(spec);
        assertArrayEquals(Arrays.copyOfRange(full, prefix * all.d(), frames * all.d()),
                all.lastQueries(fresh).attend(spec));
    }

    /** With one key every query's weight on it is 1: the output is that key's value row, exactly. */
    @Property(tries = 50)
    void oneKeyGivesItsValue(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int heads,
                             @ForAll @IntRange(min = 1, max = 12) int dk) {
        AttentionInputs one = AttentionInputs.random(new Random(seed), 1, 1, heads, dk);
        assertArrayEquals(one.v(), one.attend(new ScalarBackend()));
    }
}
