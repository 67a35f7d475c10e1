package org.speechmoe.runtime.api;

/**
 * The encoder's raw output for one recording, for comparison with other implementations and for looking at the
 * routing.
 *
 * @param logProbs            CTC log-probabilities, {@code frames × vocab}, row-major
 * @param frames              output frames (40 ms each with 4x subsampling)
 * @param vocab               tokens in the vocabulary
 * @param routes              {@code blocks × frames}: the expert each MoE block chose for each output frame
 * @param gates               {@code blocks × frames}: the router probability of that expert
 * @param blocks              MoE blocks of the main encoder
 * @param routerProbabilities {@code blocks × frames × experts}: each router's whole softmax over the experts
 * @param experts             experts per MoE block
 */
public record Logits(float[] logProbs, int frames, int vocab, int[] routes, float[] gates, int blocks,
                     float[] routerProbabilities, int experts) {
}
