package org.speechmoe.runtime.api;

import java.util.List;

/**
 * How one MoE block routed an utterance.
 *
 * @param block           the block's index in the main encoder
 * @param framesPerExpert output frames each expert computed
 * @param meanGate        the mean router probability of the chosen experts (1: certain; 1/E: undecided)
 */
public record ExpertUsage(int block, List<Integer> framesPerExpert, double meanGate) {
    /**
     * Copies the counts.
     *
     * @throws NullPointerException when {@code framesPerExpert} is or holds null
     */
    public ExpertUsage {
        framesPerExpert = List.copyOf(framesPerExpert);
    }
}
