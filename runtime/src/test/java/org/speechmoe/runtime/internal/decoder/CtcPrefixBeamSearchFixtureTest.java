package org.speechmoe.runtime.internal.decoder;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The beam search on the reference models' outputs. Their weights are random, so their posteriors are flat (a
 * frame's best token often has probability 0.2 to 0.6) and many sequences compete: a narrow beam then loses much of a
 * sequence's probability, which is why the exact greedy-sequence comparison needs a wider beam than 10.
 */
class CtcPrefixBeamSearchFixtureTest {
    /** float32 log-probabilities summed over up to 36 frames */
    private static final double FLOAT_NOISE = 1e-4;

    static List<DecoderFixtures> fixtures() {
        return DecoderFixtures.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void widthTenBeatsTheGreedyPathAndWidthOne(DecoderFixtures f) {
        Hypothesis top = new CtcPrefixBeamSearch(10).search(f.logProbs()).getFirst();
        double greedyPath = CtcOracle.pathLogProb(f.logProbs(),
                CtcOracle.path(CtcGreedy.decode(f.logProbs()), f.logProbs().frames()));
        double widthOne = new CtcPrefixBeamSearch(1).search(f.logProbs()).getFirst().logProbability();
        assertTrue(top.logProbability() >= greedyPath, top.logProbability() + " < greedy path " + greedyPath);
        assertTrue(top.logProbability() >= widthOne, top.logProbability() + " < width one " + widthOne);
        assertTrue(top.logProbability() <= CtcOracle.sequenceLogProb(f.logProbs(), top.ids()) + FLOAT_NOISE,
                "the beam's score is a lower bound");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void widthHundredBeatsTheGreedySequence(DecoderFixtures f) {
        Hypothesis top = new CtcPrefixBeamSearch(100).search(f.logProbs()).getFirst();
        double greedy = CtcOracle.sequenceLogProb(f.logProbs(), f.greedyIds());
        assertTrue(top.logProbability() >= greedy - FLOAT_NOISE, top.logProbability() + " < greedy " + greedy);
    }

    /** Pruning trades some probability for speed; on these flat posteriors it can change the top sequence. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void prunedToTheBeamWidthStillBeatsTheGreedyPath(DecoderFixtures f) {
        Hypothesis pruned = new CtcPrefixBeamSearch(10, 10, (float) Math.log(1e-4)).search(f.logProbs()).getFirst();
        double greedyPath = CtcOracle.pathLogProb(f.logProbs(),
                CtcOracle.path(CtcGreedy.decode(f.logProbs()), f.logProbs().frames()));
        assertTrue(pruned.logProbability() >= greedyPath, pruned.logProbability() + " < greedy path " + greedyPath);
        assertTrue(pruned.logProbability() <= CtcOracle.sequenceLogProb(f.logProbs(), pruned.ids()) + FLOAT_NOISE);
    }
}
