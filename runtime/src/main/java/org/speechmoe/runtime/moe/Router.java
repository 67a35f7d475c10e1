package org.speechmoe.runtime.moe;

import org.speechmoe.runtime.model.ModelWeights;

/**
 * SpeechMoE's router: {@code softmax([e_t ; y_t] · W (+ b))} over the experts, where {@code e_t} is the shared
 * embedding network's output and {@code y_t} the block's normalized input; each frame takes its most probable
 * expert, and that probability is its gate.
 */
public final class Router {
    private final int embedDim;
    private final int dim;
    private final int experts;
    /** W transposed to {@code E × (d_e + d)}, so each expert's logit is one contiguous dot product. */
    private final float[] weightsByExpert;
    private final float[] bias;

    public Router(float[] weights, float[] bias, int embedDim, int dim, int experts) {
        this.embedDim = embedDim;
        this.dim = dim;
        this.experts = experts;
        int in = embedDim + dim;
        weightsByExpert = new float[experts * in];
        for (int i = 0; i < in; i++) {
            for (int e = 0; e < experts; e++) {
                weightsByExpert[e * in + i] = weights[i * experts + e];
            }
        }
        this.bias = bias;
    }

    static Router of(ModelWeights w, String prefix, int embedDim, int dim, int experts, boolean withBias) {
        return new Router(w.floats(prefix + "router_weights"), withBias ? w.floats(prefix + "router_bias") : null,
                embedDim, dim, experts);
    }

    public int experts() {
        return experts;
    }

    /** Routes {@code frames} frames: {@code embedding} is {@code frames × d_e}, {@code y} is {@code frames × d}. */
    public Routing route(float[] embedding, float[] y, int frames) {
        int in = embedDim + dim;
        int[] chosen = new int[frames];
        float[] gates = new float[frames];
        float[] probs = new float[frames * experts];
        for (int t = 0; t < frames; t++) {
            int base = t * experts;
            float max = Float.NEGATIVE_INFINITY;
            for (int e = 0; e < experts; e++) {
                int w = e * in;
                float logit = bias == null ? 0f : bias[e];
                for (int i = 0; i < embedDim; i++) {
                    logit += embedding[t * embedDim + i] * weightsByExpert[w + i];
                }
                for (int i = 0; i < dim; i++) {
                    logit += y[t * dim + i] * weightsByExpert[w + embedDim + i];
                }
                probs[base + e] = logit;
                max = Math.max(max, logit);
            }
            float sum = 0f;
            for (int e = 0; e < experts; e++) {
                probs[base + e] = (float) StrictMath.exp(probs[base + e] - max);
                sum += probs[base + e];
            }
            int best = 0;
            for (int e = 0; e < experts; e++) {
                probs[base + e] /= sum;
                if (probs[base + e] > probs[base + best]) {
                    best = e;
                }
            }
            chosen[t] = best;
            gates[t] = probs[base + best];
        }
        return new Routing(chosen, gates, probs, experts);
    }
}
