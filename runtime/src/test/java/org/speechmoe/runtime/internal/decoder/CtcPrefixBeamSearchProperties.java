package org.speechmoe.runtime.internal.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** The beam search against brute force on problems small enough to enumerate every alignment. */
class CtcPrefixBeamSearchProperties {
    /** More than the number of label sequences of up to 6 tokens over 3 non-blank ones (1093). */
    private static final int KEEPS_EVERY_PREFIX = 2000;
    private static final double TOLERANCE = 1e-4;

    @Provide
    Arbitrary<LogProbs> problems() {
        return Combinators.combine(Arbitraries.integers().between(1, 6), Arbitraries.integers().between(2, 4),
                Arbitraries.longs(), Arbitraries.doubles().between(0.5, 6)).as(CtcPrefixBeamSearchProperties::random);
    }

    /** Rows of log-softmax over Gaussian logits; a larger spread makes peakier, more CTC-like rows. */
    static LogProbs random(int frames, int vocab, long seed, double spread) {
        Random random = new Random(seed);
        double[][] logits = new double[frames][vocab];
        for (double[] row : logits) {
            for (int v = 0; v < vocab; v++) {
                row[v] = spread * random.nextGaussian();
            }
        }
        return logSoftmax(logits, vocab);
    }

    /** The log-softmax of each row of {@code logits}. */
    static LogProbs logSoftmax(double[][] logits, int vocab) {
        float[] values = new float[logits.length * vocab];
        for (int t = 0; t < logits.length; t++) {
            double max = Arrays.stream(logits[t]).max().orElseThrow();
            double sum = 0;
            for (double l : logits[t]) {
                sum += Math.exp(l - max);
            }
            for (int v = 0; v < vocab; v++) {
                values[t * vocab + v] = (float) (logits[t][v] - max - Math.log(sum));
            }
        }
        return new LogProbs(values, logits.length, vocab);
    }

    @Property(tries = 300)
    void aBeamKeepingEveryPrefixIsExact(@ForAll("problems") LogProbs lp) {
        Map<List<Integer>, CtcOracle.Exact> exact = CtcOracle.enumerate(lp);
        List<Hypothesis> hyps = new CtcPrefixBeamSearch(KEEPS_EVERY_PREFIX).search(lp);
        assertEquals(exact.size(), hyps.size(), "every reachable sequence is a hypothesis");
        double bestExact = exact.values().stream().mapToDouble(CtcOracle.Exact::logProb).max().orElseThrow();
        assertEquals(bestExact, hyps.getFirst().logProbability(), TOLERANCE, "the best is the most probable sequence");
        for (Hypothesis h : hyps) {
            CtcOracle.Exact e = exact.get(asList(h.ids()));
            assertNotNull(e, "reachable: " + h);
            assertEquals(e.logProb(), h.logProbability(), TOLERANCE, "summed over all alignments: " + h);
            int[] path = CtcOracle.path(h.tokens(), lp.frames());
            assertEquals(asList(h.ids()), CtcOracle.collapse(path), "the spans are an alignment of " + h);
            assertEquals(e.bestPathLogProb(), CtcOracle.pathLogProb(lp, path), TOLERANCE,
                    "the spans are the best alignment of " + h);
        }
    }

    @Property(tries = 200)
    void theGreedySequenceIsTimedByTheGreedyPath(@ForAll("problems") LogProbs lp) {
        List<EmittedToken> greedy = CtcGreedy.decode(lp);
        int[] greedyIds = greedy.stream().mapToInt(EmittedToken::id).toArray();
        Hypothesis h = new CtcPrefixBeamSearch(KEEPS_EVERY_PREFIX).search(lp).stream()
                .filter(x -> Arrays.equals(x.ids(), greedyIds)).findFirst().orElseThrow();
        assertEquals(greedy, h.tokens());
    }

    @Property(tries = 300)
    void widthOneFindsAValidHypothesisNoBetterThanTheWideBeam(@ForAll("problems") LogProbs lp) {
        Map<List<Integer>, CtcOracle.Exact> exact = CtcOracle.enumerate(lp);
        List<Hypothesis> narrow = new CtcPrefixBeamSearch(1).search(lp);
        Hypothesis wide = new CtcPrefixBeamSearch(KEEPS_EVERY_PREFIX).search(lp).getFirst();
        assertEquals(1, narrow.size());
        Hypothesis h = narrow.getFirst();
        CtcOracle.Exact e = exact.get(asList(h.ids()));
        assertNotNull(e, "reachable: " + h);
        assertTrue(h.logProbability() <= e.logProb() + 1e-9, "a beam only loses alignments");
        assertTrue(h.logProbability() <= wide.logProbability() + 1e-9);
        assertEquals(asList(h.ids()), CtcOracle.collapse(CtcOracle.path(h.tokens(), lp.frames())));
    }

    @Property(tries = 300)
    void hypothesesAreDistinctSortedAndNeverOverestimated(@ForAll("problems") LogProbs lp,
            @ForAll @IntRange(min = 1, max = 8) int width, @ForAll @IntRange(min = 1, max = 4) int tokensPerFrame,
            @ForAll boolean floor) {
        Map<List<Integer>, CtcOracle.Exact> exact = CtcOracle.enumerate(lp);
        float logProbFloor = floor ? (float) Math.log(0.2) : Float.NEGATIVE_INFINITY;
        List<Hypothesis> hyps = new CtcPrefixBeamSearch(width, tokensPerFrame, logProbFloor).search(lp);
        assertTrue(!hyps.isEmpty() && hyps.size() <= width);
        Set<List<Integer>> seen = new HashSet<>();
        for (int i = 0; i < hyps.size(); i++) {
            Hypothesis h = hyps.get(i);
            assertTrue(seen.add(asList(h.ids())), "distinct: " + h);
            assertTrue(i == 0 || hyps.get(i - 1).logProbability() >= h.logProbability(), "sorted");
            assertTrue(h.logProbability() <= exact.get(asList(h.ids())).logProb() + 1e-9, "a lower bound: " + h);
        }
    }

    @Property(tries = 200)
    void pruningThatKeepsEveryTokenChangesNothing(@ForAll("problems") LogProbs lp,
            @ForAll @IntRange(min = 1, max = 8) int width) {
        List<Hypothesis> plain = new CtcPrefixBeamSearch(width).search(lp);
        List<Hypothesis> pruned = new CtcPrefixBeamSearch(width, lp.vocab() - 1, -Float.MAX_VALUE).search(lp);
        assertEquals(plain.size(), pruned.size());
        for (int i = 0; i < plain.size(); i++) {
            assertArrayEquals(plain.get(i).ids(), pruned.get(i).ids());
            assertEquals(plain.get(i).logProbability(), pruned.get(i).logProbability(), 1e-9);
            assertEquals(plain.get(i).tokens(), pruned.get(i).tokens());
        }
    }

    @Property(tries = 200)
    void aScoreMarginKeepsOnlyHypothesesNearTheBest(@ForAll("problems") LogProbs lp,
            @ForAll @IntRange(min = 1, max = 8) int width, @ForAll @DoubleRange(min = 0, max = 4) double margin) {
        List<Hypothesis> all = new CtcPrefixBeamSearch(width).search(lp);
        List<Hypothesis> near = new CtcPrefixBeamSearch(SearchOptions.builder(width).scoreMargin(margin).build(), null)
                .search(lp);
        assertTrue(!near.isEmpty() && near.size() <= all.size());
        for (Hypothesis h : near) {
            assertTrue(h.score() >= near.getFirst().score() - margin, h + " within " + margin);
        }
        List<Hypothesis> wide = new CtcPrefixBeamSearch(SearchOptions.builder(width).scoreMargin(1e6).build(), null)
                .search(lp);
        assertEquals(all, wide, "a margin wider than any gap changes nothing");
    }

    @Property(tries = 100)
    void tokenProbabilitiesArePeaksOverTheirFrames(@ForAll("problems") LogProbs lp) {
        for (Hypothesis h : new CtcPrefixBeamSearch(4).search(lp)) {
            for (EmittedToken e : h.tokens()) {
                float peak = Float.NEGATIVE_INFINITY;
                for (int t = e.firstFrame(); t <= e.lastFrame(); t++) {
                    peak = Math.max(peak, lp.get(t, e.id()));
                }
                assertEquals(Math.exp(peak), e.probability(), 1e-6);
            }
        }
    }

    @Property(tries = 1)
    void noFramesGiveTheEmptySequenceWithCertainty(@ForAll @IntRange(min = 1, max = 5) int vocab) {
        List<Hypothesis> hyps = new CtcPrefixBeamSearch(3).search(new LogProbs(new float[0], 0, vocab));
        assertEquals(List.of(new Hypothesis(List.of(), 0.0)), hyps);
    }

    private static List<Integer> asList(int[] ids) {
        return Arrays.stream(ids).boxed().toList();
    }
}
