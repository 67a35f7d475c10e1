package org.speechmoe.runtime.internal.moe;

/**
 * The router's decision for every frame of an utterance.
 *
 * @param experts       the expert each frame goes to (top-1, ties to the lowest index)
 * @param gates         that expert's router probability, {@code 1/E ≤ gate ≤ 1}
 * @param probabilities the full router softmax, {@code frames × E}
 */
public record Routing(int[] experts, float[] gates, float[] probabilities, int numExperts) {
    public int frames() {
        return experts.length;
    }
}
