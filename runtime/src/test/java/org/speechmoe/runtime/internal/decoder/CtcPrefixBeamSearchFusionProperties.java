package org.speechmoe.runtime.internal.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Shallow fusion, lexicon, hotwords and grammars against brute force: with a beam that keeps every prefix, the
 * decoder's texts, fused scores and confidences are those of {@link FusionOracle} over every label sequence.
 */
class CtcPrefixBeamSearchFusionProperties {
    /** More than the label sequences of up to 5 tokens over 4 non-blank ones (1365). */
    private static final int KEEPS_EVERY_PREFIX = 2000;
    private static final double TOLERANCE = 1e-9;

    /**
     * Tiny vocabularies, each with words the model may know and phrases that they can spell, written as the
     * automata read text (so the oracle can compare them as they are).
     */
    enum Tiny {
        LETTERS(List.of("<blank>", "▁a", "▁b", "a"), List.of("a", "b", "aa", "ba", "aaa"),
                List.of("a", "b", "aa", "a b", "b a", "ba a")),
        WORD_PIECES(List.of("<blank>", "▁a", "a", "▁aa", "b"), List.of("a", "aa", "aaa", "ab", "b", "aab"),
                List.of("a", "aa", "ab", "a a", "aa b", "b")),
        CJK(List.of("<blank>", "你", "好", "a"), List.of("你", "好", "a", "aa"),
                List.of("你", "你好", "好 a", "a 你", "aa")),
        UNKNOWN_PIECE(List.of("<blank>", "<unk>", "▁a", "b"), List.of("a", "b", "ab", "bb"),
                List.of("a", "ab", "b", "bb"));

        final List<String> pieces;
        final List<String> words;
        final List<String> phrases;

        Tiny(List<String> pieces, List<String> words, List<String> phrases) {
            this.pieces = pieces;
            this.words = words;
            this.phrases = phrases;
        }
    }

    record Case(Tiny tiny, LogProbs logProbs, SearchOptions options) {
        @Override
        public String toString() {
            return tiny + " " + logProbs.frames() + " frames, " + options;
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(Arbitraries.of(Tiny.class), Arbitraries.integers().between(1, 5),
                Arbitraries.longs(), Arbitraries.doubles().between(0.5, 5)).as((tiny, frames, seed, spread) -> {
                    Random random = new Random(seed);
                    LogProbs lp = CtcPrefixBeamSearchProperties.random(frames, tiny.pieces.size(), seed, spread);
                    return new Case(tiny, lp, options(tiny, random));
                });
    }

    /** Each feature on or off at random, so that they are checked alone and together. */
    private static SearchOptions options(Tiny tiny, Random random) {
        SearchOptions.Builder b = SearchOptions.builder(KEEPS_EVERY_PREFIX).alternatives(KEEPS_EVERY_PREFIX)
                .rejectionThreshold(Double.POSITIVE_INFINITY);
        if (random.nextBoolean()) {
            List<String> known = tiny.words.stream().filter(w -> random.nextInt(3) > 0).toList();
            b.languageModel(TrigramTestModel.random(known, random.nextLong(), 0.3, 0.1),
                    random.nextBoolean() ? 0 : 0.3 + 2 * random.nextDouble(), random.nextInt(3) - 1.0);
            b.unknownWordPenalty(random.nextBoolean() ? 0 : -3 * random.nextDouble());
            b.lexiconConstrained(random.nextInt(3) == 0);
        } else if (random.nextBoolean()) {
            b.languageModel(null, 0, 2 * random.nextDouble() - 1);
        }
        if (random.nextBoolean()) {
            b.hotwords(some(tiny.phrases, random).stream().map(SearchOptions.Hotword::of).toList(),
                    random.nextInt(4) == 0 ? 0 : 4 * random.nextDouble() - 1);
        }
        if (random.nextInt(3) == 0) {
            List<String> grammar = new ArrayList<>(some(tiny.phrases, random));
            if (random.nextBoolean()) {
                grammar.add("");
            }
            b.grammar(grammar);
        }
        return b.build();
    }

    private static List<String> some(List<String> from, Random random) {
        List<String> out = from.stream().filter(p -> random.nextInt(3) == 0).toList();
        return out.isEmpty() ? List.of(from.get(random.nextInt(from.size()))) : out;
    }

    @Property(tries = 400)
    void aBeamKeepingEveryPrefixFindsTheBestTextByItsFusedScore(@ForAll("cases") Case c) {
        Map<String, Double> exact = FusionOracle.texts(c.logProbs(), c.tiny().pieces, c.options());
        SearchResult result = new BeamDecoder(c.options(), c.tiny().pieces).decode(c.logProbs());
        assertEquals(exact.isEmpty(), result.rejected(), "rejected exactly when no text is allowed");
        if (exact.isEmpty()) {
            return;
        }
        assertEquals(exact.size(), result.alternatives().size(), "every allowed text is an alternative");
        double best = exact.values().stream().max(Comparator.naturalOrder()).orElseThrow();
        SearchResult.Alternative top = result.alternatives().getFirst();
        assertEquals(best, top.score(), TOLERANCE, "the best text's fused score");
        assertEquals(best, exact.get(top.text()), TOLERANCE, "the best text: " + top.text() + " of " + exact);
        double normalizer = exact.values().stream().reduce(Double.NEGATIVE_INFINITY, CtcPrefixBeamSearch::logAddExp);
        double confidences = 0;
        for (SearchResult.Alternative a : result.alternatives()) {
            assertEquals(exact.get(a.text()), a.score(), TOLERANCE, a.text());
            assertEquals(Math.exp(exact.get(a.text()) - normalizer), a.confidence(), 1e-9, a.text());
            assertTrue(a.acousticScore() <= 0 && a.score() <= top.score(), a.text());
            confidences += a.confidence();
        }
        assertEquals(1, confidences, 1e-9, "the confidences share the beam");
    }

    @Property(tries = 200)
    void theTokensOfAnAlternativeSpellItsText(@ForAll("cases") Case c) {
        Vocabulary vocabulary = new Vocabulary(c.tiny().pieces);
        SearchResult result = new BeamDecoder(c.options(), c.tiny().pieces).decode(c.logProbs());
        for (SearchResult.Alternative a : result.alternatives()) {
            assertEquals(a.text(), vocabulary.spell(a.tokens()));
            int[] path = CtcOracle.path(a.tokens(), c.logProbs().frames());
            assertEquals(a.tokens().stream().map(EmittedToken::id).toList(), CtcOracle.collapse(path));
        }
    }

    @Property(tries = 200)
    void aNarrowBeamRanksItsHypothesesByTheirFinalFusedScore(@ForAll("cases") Case c) {
        SearchOptions narrow = new SearchOptions(3, c.options().tokensPerFrame(), c.options().tokenLogProbFloor(),
                c.options().scoreMargin(), c.options().languageModel(), c.options().alpha(), c.options().beta(),
                c.options().unknownWordPenalty(), c.options().lexiconConstrained(), c.options().hotwords(),
                c.options().hotwordBoost(), c.options().grammar(), 3, c.options().rejectionThreshold());
        List<Hypothesis> hyps = new CtcPrefixBeamSearch(narrow, new Vocabulary(c.tiny().pieces)).search(c.logProbs());
        assertTrue(hyps.size() <= 3);
        for (int i = 0; i < hyps.size(); i++) {
            Hypothesis h = hyps.get(i);
            assertTrue(i == 0 || hyps.get(i - 1).score() >= h.score(), "sorted by final score");
            String text = new Vocabulary(c.tiny().pieces).spell(h.tokens());
            assertEquals(h.logProbability() + FusionOracle.context(text, narrow), h.score(), TOLERANCE, text);
            assertTrue(h.logProbability() <= CtcOracle.sequenceLogProb(c.logProbs(), h.ids()) + 1e-9);
        }
    }
}
