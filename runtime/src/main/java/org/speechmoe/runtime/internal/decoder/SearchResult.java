package org.speechmoe.runtime.internal.decoder;

import java.util.List;

/**
 * What {@link BeamDecoder} found: up to {@link SearchOptions#alternatives()} distinct texts, best first, or a
 * rejection. {@code rejected} holds exactly when there is no alternative: the grammar's rejection rule fired, or the
 * lexicon or the grammar left no hypothesis that ends the utterance in a complete word or phrase.
 */
public record SearchResult(List<Alternative> alternatives, boolean rejected) {
    static final SearchResult REJECTED = new SearchResult(List.of(), true);

    /**
     * One text and what the beam knows of it. Token sequences that spell the same text are one alternative: its
     * scores are the log of the summed probabilities of those sequences (so its fused score ranks the text, not one
     * spelling of it), and its tokens are the best-ranked sequence's, with that sequence's best alignment.
     *
     * @param text          the transcript text ({@link WordAssembler}: words joined by single spaces)
     * @param score         the final fused ranking score (CTC, language model, word bonus, hotwords)
     * @param acousticScore the CTC part alone: log of the probability of the alignments the beam kept
     * @param confidence    the softmax of the fused scores over the texts of the final beam: this text's share of
     *                      the probability the beam still held at the end, so relative to the beam (a narrow beam
     *                      that lost the competitors overstates it), not an absolute probability
     */
    public record Alternative(List<EmittedToken> tokens, String text, double score, double acousticScore,
            double confidence) {
        public Alternative {
            tokens = List.copyOf(tokens);
        }
    }

    public SearchResult {
        alternatives = List.copyOf(alternatives);
        if (rejected != alternatives.isEmpty()) {
            throw new IllegalArgumentException("a result is rejected exactly when it has no alternative");
        }
    }

    /** The best alternative's text, or {@code ""} when rejected. */
    public String text() {
        return rejected ? "" : alternatives.getFirst().text();
    }
}
