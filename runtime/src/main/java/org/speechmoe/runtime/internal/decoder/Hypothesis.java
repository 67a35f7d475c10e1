package org.speechmoe.runtime.internal.decoder;

import java.util.List;

/**
 * One label sequence found by the beam search. {@code logProbability} is the log of the summed probability of the
 * alignments the beam kept, so it never exceeds the sequence's exact CTC log-probability and equals it when nothing
 * was pruned. The token frame spans come from the single most probable of those alignments. {@code score} is what
 * the final ranking used: {@code logProbability} itself, or with text fused, plus the language model, word bonus and
 * hotword terms of {@link TextFusion#finish}.
 */
public record Hypothesis(List<EmittedToken> tokens, double logProbability, double score) {
    public Hypothesis {
        tokens = List.copyOf(tokens);
    }

    /** A hypothesis ranked by its CTC log-probability alone. */
    public Hypothesis(List<EmittedToken> tokens, double logProbability) {
        this(tokens, logProbability, logProbability);
    }

    public int[] ids() {
        return tokens.stream().mapToInt(EmittedToken::id).toArray();
    }
}
