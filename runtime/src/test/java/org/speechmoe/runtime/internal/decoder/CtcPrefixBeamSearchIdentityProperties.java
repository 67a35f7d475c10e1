package org.speechmoe.runtime.internal.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever fusion adds, nothing changes when it adds nothing: the search then gives the hypotheses, scores and token
 * spans of {@link LegacyCtcPrefixBeamSearch}, the search as it was before fusion, bit for bit.
 */
class CtcPrefixBeamSearchIdentityProperties {
    private static final List<String> PIECE_POOL = List.of("▁a", "a", "▁b", "b", "你", "好", "<unk>", "▁", "'",
            "▁ab", "<sos/eos>");

    record Problem(LogProbs logProbs, List<String> pieces) {
        @Override
        public String toString() {
            return logProbs.frames() + " frames, " + pieces;
        }
    }

    @Provide
    Arbitrary<Problem> problems() {
        return Combinators.combine(Arbitraries.integers().between(0, 60), Arbitraries.integers().between(2, 14),
                Arbitraries.longs(), Arbitraries.doubles().between(0.5, 6)).as((frames, vocab, seed, spread) -> {
                    Random random = new Random(seed);
                    List<String> pieces = new ArrayList<>(List.of("<blank>"));
                    while (pieces.size() < vocab) {
                        pieces.add(PIECE_POOL.get(random.nextInt(PIECE_POOL.size())));
                    }
                    return new Problem(CtcPrefixBeamSearchProperties.random(frames, vocab, seed, spread), pieces);
                });
    }

    @Property(tries = 300)
    void thePlainSearchIsUnchanged(@ForAll("problems") Problem p, @ForAll @IntRange(min = 1, max = 12) int width,
            @ForAll @IntRange(min = 1, max = 14) int tokensPerFrame, @ForAll boolean floor) {
        float logProbFloor = floor ? (float) Math.log(0.05) : Float.NEGATIVE_INFINITY;
        assertSame(new LegacyCtcPrefixBeamSearch(width, tokensPerFrame, logProbFloor).search(p.logProbs()),
                new CtcPrefixBeamSearch(width, tokensPerFrame, logProbFloor).search(p.logProbs()));
    }

    @Property(tries = 200)
    void aLanguageModelWeighedZeroChangesNothing(@ForAll("problems") Problem p,
            @ForAll @IntRange(min = 1, max = 12) int width, @ForAll long seed) {
        List<String> words = List.of("a", "b", "ab", "你", "好", "a'", "ba");
        SearchOptions options = SearchOptions.builder(width)
                .languageModel(TrigramTestModel.random(words, seed, 0.5, 0.2), 0, 0).build();
        assertSame(new LegacyCtcPrefixBeamSearch(width).search(p.logProbs()),
                new CtcPrefixBeamSearch(options, new Vocabulary(p.pieces())).search(p.logProbs()));
    }

    @Property(tries = 200)
    void hotwordsBoostedZeroChangeNothing(@ForAll("problems") Problem p,
            @ForAll @IntRange(min = 1, max = 12) int width, @ForAll boolean ownBoost) {
        Vocabulary vocabulary = new Vocabulary(p.pieces());
        List<SearchOptions.Hotword> hotwords = new ArrayList<>();
        for (int v = 0; v < vocabulary.size(); v++) {
            String text = vocabulary.text(v);
            if (!text.isEmpty() && vocabulary.kind(v) != PieceKind.UNKNOWN) {
                hotwords.add(ownBoost ? SearchOptions.Hotword.of(text, 0) : SearchOptions.Hotword.of(text));
                hotwords.add(SearchOptions.Hotword.of(text + " " + text, 0));
            }
        }
        SearchOptions options = SearchOptions.builder(width).hotwords(hotwords, ownBoost ? 7 : 0).build();
        assertSame(new LegacyCtcPrefixBeamSearch(width).search(p.logProbs()),
                new CtcPrefixBeamSearch(options, vocabulary).search(p.logProbs()));
    }

    private static void assertSame(List<Hypothesis> expected, List<Hypothesis> actual) {
        assertEquals(expected.size(), actual.size(), "hypotheses");
        for (int i = 0; i < expected.size(); i++) {
            Hypothesis e = expected.get(i);
            Hypothesis a = actual.get(i);
            assertEquals(e.tokens(), a.tokens(), "tokens of hypothesis " + i);
            assertEquals(Double.doubleToRawLongBits(e.logProbability()), Double.doubleToRawLongBits(a.logProbability()),
                    "log-probability of hypothesis " + i);
            assertEquals(Double.doubleToRawLongBits(e.logProbability()), Double.doubleToRawLongBits(a.score()),
                    "score of hypothesis " + i);
        }
    }
}
