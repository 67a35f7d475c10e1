package org.speechmoe.runtime.internal.moe;

import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.backend.Epilogue;
import org.speechmoe.runtime.spi.Matrix;
import org.speechmoe.runtime.internal.backend.ScalarBackend;
import org.speechmoe.runtime.internal.backend.Softmax;
import org.speechmoe.runtime.internal.state.RecognizerState;
import org.speechmoe.runtime.internal.weights.ModelWeights;

/**
 * SpeechMoE's router: {@code softmax([e_t ; y_t] · W (+ b))} over the experts, where {@code e_t} is the shared
 * embedding network's output and {@code y_t} the block's normalized input; each frame takes its most probable
 * expert, and that probability is its gate.
 */
public final class Router {
    private final int embedDim;
    private final int dim;
    private final int experts;
    private static final Backend SCALAR = new ScalarBackend();
    /** W transposed to {@code E × (d_e + d)}: the layout of a weight matrix for {@link Backend#matmul}. */
    private final Matrix weightsByExpert;
    private final float[] bias;

    public Router(float[] weights, float[] bias, int embedDim, int dim, int experts) {
        this.embedDim = embedDim;
        this.dim = dim;
        this.experts = experts;
        int in = embedDim + dim;
        float[] transposed = new float[experts * in];
        for (int i = 0; i < in; i++) {
            for (int e = 0; e < experts; e++) {
                transposed[e * in + i] = weights[i * experts + e];
            }
        }
        weightsByExpert = Matrix.ofFloats(experts, in, transposed);
        this.bias = bias;
    }

    static Router of(ModelWeights w, String prefix, int embedDim, int dim, int experts, boolean withBias) {
        return new Router(w.floats(prefix + "router_weights"), withBias ? w.floats(prefix + "router_bias") : null,
                embedDim, dim, experts);
    }

    public int experts() {
        return experts;
    }

    /** {@link #route(Backend, RecognizerState, float[], float[], int)} on the scalar backend, with its own state. */
    public Routing route(float[] embedding, float[] y, int frames) {
        return route(SCALAR, new RecognizerState(), embedding, y, frames);
    }

    /**
     * Routes {@code frames} frames: {@code embedding} is {@code frames × d_e}, {@code y} is {@code frames × d}. The
     * logits are one matrix multiply of the concatenated inputs on {@code backend} (the router's cost grows with the
     * experts, so it must not stay a scalar loop), the softmax and choice are scalar.
     */
    public Routing route(Backend backend, RecognizerState state, float[] embedding, float[] y, int frames) {
        int in = embedDim + dim;
        float[] x = state.routerInput.floats(frames * in);
        for (int t = 0; t < frames; t++) {
            System.arraycopy(embedding, t * embedDim, x, t * in, embedDim);
            System.arraycopy(y, t * dim, x, t * in + embedDim, dim);
        }
        float[] probs = new float[frames * experts];
        backend.matmul(x, frames, weightsByExpert, probs, Epilogue.store(bias, Activation.NONE));
        int[] chosen = new int[frames];
        float[] gates = new float[frames];
        for (int t = 0; t < frames; t++) {
            int base = t * experts;
            Softmax.normalize(probs, base, base + experts);
            int best = 0;
            for (int e = 1; e < experts; e++) {
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
