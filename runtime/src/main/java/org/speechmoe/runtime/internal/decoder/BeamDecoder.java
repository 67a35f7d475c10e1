package org.speechmoe.runtime.internal.decoder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a recognizer asks of the beam search: the best distinct texts of an utterance with their confidences, under
 * the {@link SearchOptions}, and the grammar's rejection. Immutable and shareable between threads (it holds the
 * compiled lexicon, hotwords and grammar, built once).
 */
public final class BeamDecoder {
    private final SearchOptions options;
    private final Vocabulary vocabulary;
    private final CtcPrefixBeamSearch search;

    /**
     * @param pieces the vocabulary, piece of token id {@code i} at index {@code i}
     * @throws IllegalArgumentException when a hotword or grammar phrase has a character no piece spells
     */
    public BeamDecoder(SearchOptions options, List<String> pieces) {
        this.options = options;
        this.vocabulary = new Vocabulary(pieces);
        this.search = new CtcPrefixBeamSearch(options, vocabulary);
    }

    /**
     * The final beam's hypotheses merged by text (their probabilities summed: see {@link SearchResult.Alternative}),
     * best first, with confidences over all of them, cut to {@link SearchOptions#alternatives()}. With a grammar,
     * rejected when {@link GrammarRejection} finds the best one too far from the greedy path.
     */
    public SearchResult decode(LogProbs logProbs) {
        if (logProbs.vocab() != vocabulary.size()) {
            throw new IllegalArgumentException(logProbs.vocab() + " tokens per frame for a vocabulary of "
                    + vocabulary.size());
        }
        List<SameText> texts = byText(search.search(logProbs));
        if (texts.isEmpty() || !options.grammar().isEmpty()
                && GrammarRejection.gapPerFrame(logProbs, texts.getFirst().tokens) > options.rejectionThreshold()) {
            return SearchResult.REJECTED;
        }
        double all = Double.NEGATIVE_INFINITY;
        for (SameText t : texts) {
            all = CtcPrefixBeamSearch.logAddExp(all, t.score);
        }
        List<SearchResult.Alternative> out = new ArrayList<>();
        for (SameText t : texts.subList(0, Math.min(options.alternatives(), texts.size()))) {
            out.add(new SearchResult.Alternative(t.tokens, t.text, t.score, t.acousticScore,
                    StrictMath.exp(t.score - all)));
        }
        return new SearchResult(out, false);
    }

    /** Sequences that spell the same text, in the order of their best; the ranking may change once summed. */
    private List<SameText> byText(List<Hypothesis> ranked) {
        Map<String, SameText> texts = new LinkedHashMap<>();
        for (Hypothesis h : ranked) {
            String text = vocabulary.spell(h.tokens());
            SameText same = texts.get(text);
            if (same == null) {
                texts.put(text, new SameText(h.tokens(), text, h.score(), h.logProbability()));
            } else {
                same.score = CtcPrefixBeamSearch.logAddExp(same.score, h.score());
                same.acousticScore = CtcPrefixBeamSearch.logAddExp(same.acousticScore, h.logProbability());
            }
        }
        List<SameText> out = new ArrayList<>(texts.values());
        out.sort(Comparator.comparingDouble((SameText t) -> t.score).reversed());
        return out;
    }

    private static final class SameText {
        final List<EmittedToken> tokens;
        final String text;
        double score;
        double acousticScore;

        SameText(List<EmittedToken> tokens, String text, double score, double acousticScore) {
            this.tokens = tokens;
            this.text = text;
            this.score = score;
            this.acousticScore = acousticScore;
        }
    }
}
