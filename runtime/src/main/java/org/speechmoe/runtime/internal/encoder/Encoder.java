package org.speechmoe.runtime.internal.encoder;

import java.util.ArrayList;
import java.util.List;
import org.speechmoe.format.graph.GraphConfig;
import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.backend.Epilogue;
import org.speechmoe.runtime.spi.Matrix;
import org.speechmoe.runtime.internal.weights.ModelWeights;
import org.speechmoe.runtime.internal.moe.Routing;
import org.speechmoe.runtime.internal.state.RecognizerState;

/**
 * The whole acoustic model: the shared embedding network and the Conformer-MoE encoder both read the CMVN
 * features; the embedding feeds every router; the output layer and log-softmax give CTC log-probabilities.
 * Immutable and thread-safe: every call works on its own arrays.
 */
public final class Encoder {
    /** Log-probabilities ({@code frames × vocab}) and each MoE block's routing. */
    public record Output(float[] logProbs, int frames, int vocab, List<Routing> routings) {
    }

    private final ConformerStack embed;
    private final ConformerStack main;
    private final Matrix outLinear;
    private final float[] outBias;

    public Encoder(ModelWeights w, GraphConfig g) {
        embed = new ConformerStack(w, "embed.", g.embed(), g.features(), null, 0);
        main = new ConformerStack(w, "", g.encoder(), g.features(), g.moe(), g.embed().attentionDim());
        outLinear = w.matrix("out_linear.weight");
        outBias = w.floats("out_linear.bias");
    }

    /** Output frames for {@code frames} feature frames (4x subsampling); 0 below 7 frames. */
    public static int outputFrames(int frames) {
        return Subsampling.outputFrames(frames);
    }

    public Output forward(Backend backend, RecognizerState state, float[] feats, int frames, EncoderTrace trace) {
        int t = outputFrames(frames);
        int vocab = outLinear.rows();
        if (t == 0) {
            return new Output(new float[0], 0, vocab, List.of());
        }
        List<Routing> routings = new ArrayList<>();
        try {
            float[] embedding = embed.forward(backend, state, feats, frames, null, trace, routings);
            trace.record("embed", embedding, t, embed.dim());
            float[] hidden = main.forward(backend, state, feats, frames, embedding, trace, routings);
            float[] logits = new float[t * vocab];
            backend.matmul(hidden, t, outLinear, logits, Epilogue.store(outBias, Activation.NONE));
            backend.logSoftmax(logits, t, vocab);
            trace.record("logp", logits, t, vocab);
            return new Output(logits, t, vocab, List.copyOf(routings));
        } finally {
            state.release();
        }
    }
}
