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

    /**
     * One stream's next chunk: its subsampling window, the first {@code rows} rows of {@code feats}
     * ({@code rows × bins}); the stream position of its first output frame; the stream's caches of both networks.
     */
    record Chunk(float[] feats, int rows, int offset, BlockCache[] embedCaches, BlockCache[] mainCaches) {
        int frames() {
            return outputFrames(rows);
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
            return forward(backend, state, new float[][] {feats}, new int[] {frames}, null, null, trace);
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
     * One chunk of each stream in one pass ({@code chunks} with at least one output frame each): the position-wise
     * layers (the linear layers, the routers and experts, the norms) run on the frames of all chunks stacked, so each
     * weight matrix is read once for all streams and the experts get the frames of all streams routed to them;
     * attention and the causal convolutions run per stream over its caches. Returns each chunk's output, equal to
     * running the chunks one at a time, up to float rounding. Leaves the state's scratch arrays to the caller to release.
     */
    List<Output> forward(Backend backend, RecognizerState state, List<Chunk> chunks, EncoderTrace trace) {
        int n = chunks.size();
        float[][] feats = new float[n][];
        int[] windows = new int[n];
        int[] starts = new int[n];
        int[] frames = new int[n];
        int[] offsets = new int[n];
        BlockCache[][] embedCaches = new BlockCache[n][];
        BlockCache[][] mainCaches = new BlockCache[n][];
        int total = 0;
        for (int i = 0; i < n; i++) {
            Chunk c = chunks.get(i);
            if (c.frames() < 1) {
                throw new IllegalArgumentException("a chunk of " + c.rows() + " feature rows has no output frame");
            }
            feats[i] = c.feats();
            windows[i] = c.rows();
            starts[i] = total;
            frames[i] = c.frames();
            offsets[i] = c.offset();
            embedCaches[i] = c.embedCaches();
            mainCaches[i] = c.mainCaches();
            total += frames[i];
        }
        Output all = forward(backend, state, feats, windows, new ChunkRows(starts, frames, offsets, embedCaches),
                new ChunkRows(starts, frames, offsets, mainCaches), trace);
        if (n == 1) {
            return List.of(all);
        }
        List<Output> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(all.slice(starts[i], starts[i] + frames[i]));
        }
        return out;
    }

    /** Both networks and the output layer over the inputs' frames stacked (one utterance: both {@code ChunkRows} null). */
    private Output forward(Backend backend, RecognizerState state, float[][] feats, int[] windows,
                                 ChunkRows embedChunks, ChunkRows mainChunks, EncoderTrace trace) {
        int t = 0;
        for (int w : windows) {
            t += outputFrames(w);
        }
        int vocab = outLinear.rows();
        if (t == 0) {
            return new Output(new float[0], 0, vocab, List.of());
        }
        List<Routing> routings = new ArrayList<>();
        float[] embedding = embed.forward(backend, state, feats, windows, embedChunks, null, trace, routings);
        trace.record("embed", embedding, t, embed.dim());
        float[] hidden = main.forward(backend, state, feats, windows, mainChunks, embedding, trace, routings);
        float[] logits = new float[t * vocab];
        backend.matmul(hidden, t, outLinear, logits, Epilogue.store(outBias, Activation.NONE));
        backend.logSoftmax(logits, t, vocab);
        trace.record("logp", logits, t, vocab);
        return new Output(logits, t, vocab, List.copyOf(routings));
    }
}
