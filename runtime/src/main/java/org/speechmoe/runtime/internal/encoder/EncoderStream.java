package org.speechmoe.runtime.internal.encoder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.moe.Routing;
import org.speechmoe.runtime.internal.state.BlockCache;
import org.speechmoe.runtime.internal.state.RecognizerState;

/**
 * Exact chunk-by-chunk decoding of a causal model (WeNet's {@code forward_chunk}): one stream's caches over the shared
 * {@link Encoder}. Features go in as they arrive; every {@code chunkSize} output frames (4 feature rows each after
 * the subsampling) the chunk runs through both networks. A chunk reads the subsampling window of its frames,
 * {@code (chunkSize - 1) · 4 + 7} rows, so consecutive windows overlap by 3 rows; each block attends over the cached
 * keys and values of the earlier frames (all, or the last {@code leftChunks} chunks) and each causal convolution
 * continues from the previous chunk's last inputs.
 *
 * <p>The outputs put end to end equal the full pass with attention masked to "my chunk and the chunks before it"
 * (3m-asr's {@code subsequent_chunk_mask} with {@code decoding_chunk_size = chunkSize} and
 * {@code num_decoding_left_chunks = leftChunks}), up to float rounding, however the features are split into calls.
 * Single-threaded: one stream, one caller at a time.
 */
public final class EncoderStream {
    private static final int RATE = 4;
    private static final int CONTEXT = 7;

    private final Encoder encoder;
    private final int chunkSize;
    private final int bins;
    private final EncoderTrace trace;
    private final BlockCache[] embedCaches;
    private final BlockCache[] mainCaches;
    /** Feature rows not yet consumed by a chunk ({@code rows × bins}): the next chunk's window starts at row 0. */
    private float[] pending = new float[0];
    private int rows;
    private int emitted;
    /** No more features come: what remains is the last chunk. */
    private boolean ending;
    /** The last chunk has run. */
    private boolean finished;

    /**
     * @param chunkSize  output frames per chunk (after the 4x subsampling), at least 1
     * @param leftChunks earlier chunks whose keys and values are kept; negative for all
     * @param trace      receives each chunk's intermediate results
     * @throws IllegalStateException for a full-context model, which cannot stream exactly
     */
    EncoderStream(Encoder encoder, int chunkSize, int leftChunks, EncoderTrace trace) {
        if (!encoder.streamable()) {
            throw new IllegalStateException("the model is full-context (causal: false): it cannot be decoded chunk by"
                    + " chunk exactly");
        }
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk size must be at least 1 output frame, got " + chunkSize);
        }
        this.encoder = encoder;
        this.chunkSize = chunkSize;
        this.bins = encoder.numMelBins();
        this.trace = trace;
        long keep = leftChunks < 0 ? -1 : (long) leftChunks * chunkSize;
        if (keep > Integer.MAX_VALUE) {
            keep = -1;   // more context than any stream can hold: unlimited
        }
        embedCaches = encoder.newEmbedCaches((int) keep);
        mainCaches = encoder.newMainCaches((int) keep);
    }

    /** Feature rows a chunk of {@code frames} output frames reads. */
    static int windowRows(int frames) {
        return (frames - 1) * RATE + CONTEXT;
    }

    public int chunkSize() {
        return chunkSize;
    }

    /** Output frames emitted since the start (or the last {@link #reset()}). */
    public int framesEmitted() {
        return emitted;
    }

    /**
     * Takes {@code frames} CMVN-normalized feature rows ({@code frames × bins}, any number, 0 included) and runs every
     * chunk they complete; returns those chunks' log-probabilities and routings (0 frames when none).
     */
    public Encoder.Output accept(Backend backend, RecognizerState state, float[] feats, int frames) {
        push(feats, frames);
        return ChunkBatch.run(backend, state, List.of(this)).getFirst();
    }

    /**
     * Runs the frames that remain as a last, shorter chunk (feature rows that make no whole output frame are dropped)
     * and ends the stream.
     */
    public Encoder.Output finish(Backend backend, RecognizerState state) {
        end();
        return ChunkBatch.run(backend, state, List.of(this)).getFirst();
    }

    /**
     * Takes feature rows as {@link #accept} does, without running the chunks they complete: those wait for
     * {@link ChunkBatch#run}, which runs the chunks of many streams together.
     */
    public void push(float[] feats, int frames) {
        requireOpen();
        if (frames < 0 || (long) frames * bins > feats.length) {
            throw new IllegalArgumentException(frames + " feature rows of " + bins + " do not fit in "
                    + feats.length + " floats");
        }
        if (pending.length < (rows + frames) * bins) {
            pending = Arrays.copyOf(pending, Math.max((rows + frames) * bins, 2 * pending.length));
        }
        System.arraycopy(feats, 0, pending, rows * bins, frames * bins);
        rows += frames;
    }

    /**
     * Ends the features, as {@link #finish} does, without running what remains: the next {@link ChunkBatch#run} runs
     * it as a last, shorter chunk, and the stream is finished after that.
     */
    public void end() {
        requireOpen();
        ending = true;
    }

    /** Whether the stream has run its last chunk (after {@link #end()}); {@link #reset()} starts it again. */
    public boolean isFinished() {
        return finished;
    }

    private void requireOpen() {
        if (ending) {
            throw new IllegalStateException("the stream is finished; reset() it to start another");
        }
    }

    /**
     * The chunk to run next: a whole window of pending rows, or after {@link #end()} the rest as a last, shorter
     * chunk; null when none is ready. A stream that has ended with too few rows for an output frame finishes here.
     */
    Encoder.Chunk nextChunk() {
        if (finished) {
            return null;
        }
        int frames = rows >= windowRows(chunkSize) ? chunkSize : ending ? Encoder.outputFrames(rows) : 0;
        if (frames == 0) {
            finished = ending;
            return null;
        }
        return new Encoder.Chunk(pending, windowRows(frames), emitted, embedCaches, mainCaches);
    }

    /** {@code chunk}, the last {@link #nextChunk()}, has run: its rows that the next window does not read go. */
    void advance(Encoder.Chunk chunk) {
        int frames = chunk.frames();
        emitted += frames;
        int consumed = Math.min(rows, frames * RATE);
        System.arraycopy(pending, consumed * bins, pending, 0, (rows - consumed) * bins);
        rows -= consumed;
    }

    EncoderTrace trace() {
        return trace;
    }

    Encoder encoder() {
        return encoder;
    }

    /** The most frames of attention context any block holds now: bounded by the left-chunk limit. */
    int cachedFrames() {
        int most = 0;
        for (BlockCache c : embedCaches) {
            most = Math.max(most, c.rows());
        }
        for (BlockCache c : mainCaches) {
            most = Math.max(most, c.rows());
        }
        return most;
    }

    /** Back to the start of a new stream; the caches' arrays stay allocated. */
    public void reset() {
        for (BlockCache c : embedCaches) {
            c.reset();
        }
        for (BlockCache c : mainCaches) {
            c.reset();
        }
        rows = 0;
        emitted = 0;
        ending = false;
        finished = false;
    }

    /** The outputs of consecutive chunks as one. */
    public static Encoder.Output concat(List<Encoder.Output> outputs, int vocab) {
        if (outputs.size() == 1) {
            return outputs.getFirst();
        }
        int frames = 0;
        for (Encoder.Output o : outputs) {
            frames += o.frames();
        }
        float[] logProbs = new float[frames * vocab];
        int at = 0;
        for (Encoder.Output o : outputs) {
            System.arraycopy(o.logProbs(), 0, logProbs, at, o.frames() * vocab);
            at += o.frames() * vocab;
        }
        List<Routing> routings = new ArrayList<>();
        List<Encoder.Output> nonEmpty = outputs.stream().filter(o -> o.frames() > 0).toList();
        int blocks = nonEmpty.isEmpty() ? 0 : nonEmpty.getFirst().routings().size();
        for (int b = 0; b < blocks; b++) {
            int experts = nonEmpty.getFirst().routings().get(b).numExperts();
            int[] chosen = new int[frames];
            float[] gates = new float[frames];
            float[] probabilities = new float[frames * experts];
            int t = 0;
            for (Encoder.Output o : nonEmpty) {
                Routing r = o.routings().get(b);
                System.arraycopy(r.experts(), 0, chosen, t, r.frames());
                System.arraycopy(r.gates(), 0, gates, t, r.frames());
                System.arraycopy(r.probabilities(), 0, probabilities, t * experts, r.frames() * experts);
                t += r.frames();
            }
            routings.add(new Routing(chosen, gates, probabilities, experts));
        }
        return new Encoder.Output(logProbs, frames, vocab, List.copyOf(routings));
    }
}
