package org.speechmoe.runtime.internal.encoder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.speechmoe.format.graph.GraphConfig;
import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.backend.Epilogue;
import org.speechmoe.runtime.spi.Matrix;
import org.speechmoe.runtime.internal.weights.ModelWeights;
import org.speechmoe.runtime.internal.moe.Routing;
import org.speechmoe.runtime.internal.state.BlockCache;
import org.speechmoe.runtime.internal.state.RecognizerState;

/**
 * The whole acoustic model: the shared embedding network and the Conformer-MoE encoder both read the CMVN
 * features; the embedding feeds every router; the output layer and log-softmax give CTC log-probabilities.
 * Immutable and thread-safe: every call works on its own arrays.
 */
public final class Encoder {
    /** Log-probabilities ({@code frames × vocab}) and each MoE block's routing. */
    public record Output(float[] logProbs, int frames, int vocab, List<Routing> routings) {
        /** Frames {@code [from, to)}. */
        public Output slice(int from, int to) {
            List<Routing> sliced = new ArrayList<>(routings.size());
            for (Routing r : routings) {
                int e = r.numExperts();
                sliced.add(new Routing(Arrays.copyOfRange(r.experts(), from, to),
                        Arrays.copyOfRange(r.gates(), from, to),
                        Arrays.copyOfRange(r.probabilities(), from * e, to * e), e));
            }
            return new Output(Arrays.copyOfRange(logProbs, from * vocab, to * vocab), to - from, vocab, sliced);
        }
    }

    private final ConformerStack embed;
    private final ConformerStack main;
    private final Matrix outLinear;
    private final float[] outBias;
    private final boolean streamable;
    private final int decodingChunkSize;
    private final int numMelBins;

    public Encoder(ModelWeights w, GraphConfig g) {
        streamable = g.streamable();
        decodingChunkSize = g.decodingChunkSize();
        numMelBins = g.features().numMelBins();
        embed = new ConformerStack(w, "embed.", g.embed(), g.features(), null, 0);
        main = new ConformerStack(w, "", g.encoder(), g.features(), g.moe(), g.embed().attentionDim());
        outLinear = w.matrix("out_linear.weight");
        outBias = w.floats("out_linear.bias");
    }

    /** Output frames for {@code frames} feature frames (4x subsampling); 0 below 7 frames. */
    public static int outputFrames(int frames) {
        return Subsampling.outputFrames(frames);
    }

    /** Whether chunk-by-chunk decoding is exact: both networks' convolutions are causal. */
    public boolean streamable() {
        return streamable;
    }

    /**
     * A stream of this model's chunks, each {@code chunkSize} output frames (after the 4x subsampling), keeping
     * {@code leftChunks} earlier chunks of attention context (negative: all). Cheap: it holds only its caches.
     *
     * @throws IllegalStateException    for a full-context model, which cannot stream exactly
     * @throws IllegalArgumentException for a chunk size below 1
     */
    public EncoderStream stream(int chunkSize, int leftChunks) {
        return new EncoderStream(this, chunkSize, leftChunks, EncoderTrace.NONE);
    }

    /**
     * The whole utterance as 3m-asr decodes it with {@code decoding_chunk_size -1}: full context, or, for a model
     * trained with a static chunk size alone, attention masked to that chunk size (which this runs as a stream).
     */
    public Output forward(Backend backend, RecognizerState state, float[] feats, int frames, EncoderTrace trace) {
        if (decodingChunkSize > 0) {
            EncoderStream s = new EncoderStream(this, decodingChunkSize, -1, trace);
            return EncoderStream.concat(List.of(s.accept(backend, state, feats, frames), s.finish(backend, state)),
                    vocab());
        }
        try {
            return forward(backend, state, feats, frames, trace, 0, null, null);
        } finally {
            state.release();
        }
    }

    int numMelBins() {
        return numMelBins;
    }

    int vocab() {
        return outLinear.rows();
    }

    BlockCache[] newEmbedCaches(int keep) {
        return embed.newCaches(keep);
    }

    BlockCache[] newMainCaches(int keep) {
        return main.newCaches(keep);
    }

    /**
     * The utterance ({@code caches} null), or one chunk of a stream: {@code feats} its subsampling window, its
     * output frames starting at {@code offset}. Leaves the state's scratch arrays to the caller to release.
     */
    Output forward(Backend backend, RecognizerState state, float[] feats, int frames, EncoderTrace trace, int offset,
                   BlockCache[] embedCaches, BlockCache[] mainCaches) {
        int t = outputFrames(frames);
        int vocab = outLinear.rows();
        if (t == 0) {
            return new Output(new float[0], 0, vocab, List.of());
        }
        List<Routing> routings = new ArrayList<>();
        float[] embedding = embed.forward(backend, state, feats, frames, null, trace, routings, offset, embedCaches);
        trace.record("embed", embedding, t, embed.dim());
        float[] hidden = main.forward(backend, state, feats, frames, embedding, trace, routings, offset, mainCaches);
        float[] logits = new float[t * vocab];
        backend.matmul(hidden, t, outLinear, logits, Epilogue.store(outBias, Activation.NONE));
        backend.logSoftmax(logits, t, vocab);
        trace.record("logp", logits, t, vocab);
        return new Output(logits, t, vocab, List.copyOf(routings));
    }
}
