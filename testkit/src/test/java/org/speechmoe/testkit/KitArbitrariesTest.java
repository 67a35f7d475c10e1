package org.speechmoe.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The kit's generators: audio of the stated length in [-1, 1], excerpts inside their recording, permutations. */
class KitArbitrariesTest {
    @Property(tries = 20)
    void generatedSignalsHaveTheirLengthAndStayInRange(@ForAll("signals") SignalRecipe recipe) {
        KitAudio a = recipe.audio();
        assertEquals(recipe.centiseconds() * SignalRecipe.SAMPLE_RATE / 100, a.samples().length);
        for (float s : a.samples()) {
            assertTrue(s >= -1 && s <= 1, recipe.toString());
        }
        assertEquals(recipe.toString(), a.description());
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<SignalRecipe> signals() {
        return KitArbitraries.signals(1.0);
    }

    private static final float[] RAMP = new float[8000];

    static {
        for (int i = 0; i < RAMP.length; i++) {
            RAMP[i] = i / 8000f;
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<KitAudio> rampExcerpts() {
        return KitArbitraries.excerpts(List.of(new KitAudio("ramp.wav", RAMP, 8000)), 3);
    }

    @Property(tries = 20)
    void excerptsAreSlicesOfTheirRecordingAndSayWhere(@ForAll("rampExcerpts") KitAudio e) {
        int from = Math.round(e.samples()[0] * 8000);
        assertTrue(e.samples().length <= RAMP.length, e.toString());
        assertTrue(Arrays.equals(e.samples(), Arrays.copyOfRange(RAMP, from, from + e.samples().length)),
                e.toString());
        assertTrue(e.description().startsWith(String.format(java.util.Locale.ROOT, "ramp.wav from %.2f s to ",
                from / 8000.0)), e.description());
    }

    @Test
    void relabellingsArePermutationsPerLayer() {
        Relabelling r = KitArbitraries.relabellings(3, 5).sample();
        assertEquals(3, r.labels().length);
        for (int[] layer : r.labels()) {
            assertTrue(Arrays.equals(new int[] {0, 1, 2, 3, 4}, Arrays.stream(layer).sorted().toArray()),
                    r.toString());
        }
        assertTrue(r.toString().startsWith("relabelling {layer 0: ["), r.toString());
    }
}
