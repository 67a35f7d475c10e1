package org.speechmoe.runtime.internal.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CtcGreedyTest {
    static List<DecoderFixtures> fixtures() {
        return DecoderFixtures.all();
    }

    @Test
    void everyModelAndWavHasAFixture() {
        assertEquals(7 * 3, fixtures().size());   // models × WAVs
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void idsEqualTheReference(DecoderFixtures f) {
        List<EmittedToken> tokens = CtcGreedy.decode(f.logProbs());
        assertArrayEquals(f.greedyIds(), tokens.stream().mapToInt(EmittedToken::id).toArray());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void spansAreTheArgmaxRuns(DecoderFixtures f) {
        LogProbs lp = f.logProbs();
        List<EmittedToken> tokens = CtcGreedy.decode(lp);
        int[] path = CtcOracle.path(tokens, lp.frames());
        for (int t = 0; t < lp.frames(); t++) {
            for (int v = 0; v < lp.vocab(); v++) {
                assertTrue(lp.get(t, v) <= lp.get(t, path[t]), "frame " + t + " is not its argmax");
            }
        }
        for (EmittedToken e : tokens) {
            float peak = Float.NEGATIVE_INFINITY;
            for (int t = e.firstFrame(); t <= e.lastFrame(); t++) {
                peak = Math.max(peak, lp.get(t, e.id()));
            }
            assertEquals(Math.exp(peak), e.probability(), 1e-6);
        }
    }

    @Test
    void runsMergeBlanksDropAndTiesGoToTheLowestId() {
        float h = (float) Math.log(0.5);
        float q = (float) Math.log(0.25);
        float[] rows = {
            q, h, q, // 1
            q, q, h, // 2
            h, q, q, // blank
            q, q, h, // 2, after a blank: a new token
            q, q, h, // 2, repeated
            h, h, q, // tie of blank and 1: blank
            q, h, h, // tie of 1 and 2: 1
        };
        rows[4 * 3 + 2] = (float) Math.log(0.6);
        List<EmittedToken> tokens = CtcGreedy.decode(new LogProbs(rows, 7, 3));
        assertEquals("1@0..0 2@1..1 2@3..4 1@6..6", spans(tokens));
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.6f, 0.5f}, probabilities(tokens), 1e-6f);
    }

    static String spans(List<EmittedToken> tokens) {
        return String.join(" ", tokens.stream().map(e -> e.id() + "@" + e.firstFrame() + ".." + e.lastFrame())
                .toList());
    }

    static float[] probabilities(List<EmittedToken> tokens) {
        float[] out = new float[tokens.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = tokens.get(i).probability();
        }
        return out;
    }

    @Test
    void noFramesNoTokens() {
        assertEquals(List.of(), CtcGreedy.decode(new LogProbs(new float[0], 0, 5)));
    }
}
