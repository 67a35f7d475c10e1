package org.speechmoe.runtime.internal.decoder;

import java.util.List;

/**
 * One label sequence found by the beam search. {@code logProbability} is the log of the summed probability of the
 * alignments the beam kept, so it never exceeds the sequence's exact CTC log-probability and equals it when nothing
 * was pruned. The token frame spans come from the single most probable of those alignments.
 */
public record Hypothesis(List<EmittedToken> tokens, double logProbability) {
    public Hypothesis {
        tokens = List.copyOf(tokens);
    }

    public int[] ids() {
        return tokens.stream().mapToInt(EmittedToken::id).toArray();
    }
}
