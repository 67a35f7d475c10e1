package org.speechmoe.runtime.internal.moe;

import java.util.Arrays;
import org.speechmoe.format.graph.MoeConfig;
import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.spi.ExpertLayer;
import org.speechmoe.runtime.internal.state.RecognizerState;
import org.speechmoe.runtime.internal.weights.ModelWeights;

/**
 * The SpeechMoE feed-forward sublayer: route each frame, run only the chosen expert on it (grouped by expert, one
 * matrix multiply per expert over its frames), and add the gated result to the residual stream:
 * {@code x_t += scale · g_t · (W2[i_t] act(W1[i_t] y_t + b1[i_t]) + b2[i_t])} ({@code g_t = 1} with
 * {@code keep_expert_output}).
 */
public final class MoeFeedForward {
    private final Router router;
    private final ExpertLayer experts;
    private final boolean keepExpertOutput;

    public MoeFeedForward(Router router, ExpertLayer experts, boolean keepExpertOutput) {
        this.router = router;
        this.experts = experts;
        this.keepExpertOutput = keepExpertOutput;
    }

    public static MoeFeedForward of(ModelWeights w, String prefix, MoeConfig moe, int embedDim, int dim,
                                    Activation activation, float scale) {
        String x = prefix + "experts.";
        ExpertLayer layer = new ExpertLayer(moe.numExperts(), dim, moe.hiddenUnits(), w.matrix(x + "w_1.weight"),
                w.floats(x + "w_1.bias"), w.matrix(x + "w_2.weight"), w.floats(x + "w_2.bias"), activation, scale);
        Router router = Router.of(w, prefix, embedDim, dim, moe.numExperts(), moe.routerWithBias());
        return new MoeFeedForward(router, layer, moe.keepExpertOutput());
    }

    public Router router() {
        return router;
    }

    /** Routes the frames of {@code y}, adds the experts' outputs to {@code x}, and returns the routing. */
    public Routing addTo(Backend backend, RecognizerState state, float[] embedding, float[] y, int frames, float[] x) {
        Routing routing = router.route(backend, state, embedding, y, frames);
        ExpertDispatch dispatch = ExpertDispatch.of(routing.experts(), router.experts());
        float[] gathered = dispatch.gather(y, experts.dim());
        float[] rowScale = keepExpertOutput ? ones(frames) : dispatch.gather(routing.gates());
        float[] out = state.expertOutput.floats(frames * experts.dim());
        backend.expertFfn(experts, gathered, dispatch.offsets(), rowScale, out);
        dispatch.scatterAdd(out, experts.dim(), x);
        return routing;
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        Arrays.fill(a, 1f);
        return a;
    }
}
