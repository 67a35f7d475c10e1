package org.speechmoe.runtime.internal.encoder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.speechmoe.format.graph.EncoderConfig;
import org.speechmoe.format.graph.FeatureConfig;
import org.speechmoe.format.graph.MoeConfig;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.weights.ModelWeights;
import org.speechmoe.runtime.internal.moe.Routing;
import org.speechmoe.runtime.internal.state.BlockCache;
import org.speechmoe.runtime.internal.state.RecognizerState;

/**
 * Subsampling, positional encoding, the blocks and {@code after_norm}: the body shared by the embedding network
 * (dense blocks) and the main encoder (MoE blocks).
 */
final class ConformerStack {
    private final String traceName;
    private final int d;
    private final Subsampling subsampling;
    private final List<ConformerBlock> blocks = new ArrayList<>();
    private final LayerNorm afterNorm;
    /**
     * The position table's first rows, kept for the next pass (a row depends on its position only): the table is
     * t × d sines and cosines in {@code StrictMath}, several milliseconds a pass. Longer inputs than
     * {@link #CACHED_POSITIONS} frames compute theirs each time. Racy but idempotent: every table is the same.
     */
    private volatile float[] positions = new float[0];
    private static final int CACHED_POSITIONS = 4096;

    ConformerStack(ModelWeights w, String prefix, EncoderConfig c, FeatureConfig f, MoeConfig moe, int embedDim) {
        traceName = prefix.replace(".", "_");
        d = c.attentionDim();
        subsampling = new Subsampling(w, prefix, d, f.numMelBins());
        for (int i = 0; i < c.numBlocks(); i++) {
            blocks.add(new ConformerBlock(w, prefix + "blocks." + i + ".", c, moe, embedDim));
        }
        afterNorm = new LayerNorm(w.floats(prefix + "after_norm.weight"), w.floats(prefix + "after_norm.bias"),
                LayerNorm.ENCODER_EPS);
    }

    int dim() {
        return d;
    }

    /**
     * Runs the stack on {@code frames × bins} features of one utterance; {@code embedding} feeds the routers of MoE
     * blocks (null for the embedding network). Adds each MoE block's routing to {@code routings}.
     */
    float[] forward(Backend backend, RecognizerState state, float[] feats, int frames, float[] embedding,
                    EncoderTrace trace, List<Routing> routings) {
        return forward(backend, state, new float[][] {feats}, new int[] {frames}, null, embedding, trace, routings);
    }

    /** Caches for one stream of this stack, keeping {@code keep} frames of attention context (negative: all). */
    BlockCache[] newCaches(int keep) {
        BlockCache[] caches = new BlockCache[blocks.size()];
        for (int i = 0; i < caches.length; i++) {
            caches[i] = new BlockCache(d, keep);
        }
        return caches;
    }

    /**
     * One utterance ({@code chunks} null), or one chunk of each of several streams: {@code feats[i]} is stream i's
     * subsampling window of {@code windows[i]} rows, and {@code chunks} says where its output frames go in the
     * stacked result, where they lie in the stream and which caches hold what its earlier chunks left.
     */
    float[] forward(Backend backend, RecognizerState state, float[][] feats, int[] windows, ChunkRows chunks,
                    float[] embedding, EncoderTrace trace, List<Routing> routings) {
        float[] x = subsampling.forward(backend, state, feats, windows);
        int t = x.length / d;
        trace.record(traceName + "subsampling", x, t, d);
        RelPositionEncoding.scaleInput(x, d);
        float[] pe = chunks == null ? positions(t) : positionRows(chunks, t);
        for (int i = 0; i < blocks.size(); i++) {
            Routing r = blocks.get(i).forward(backend, state, x, t, pe, embedding, chunks, i);
            trace.record(traceName + "block_" + i, x, t, d);
            if (r != null) {
                trace.record("router_probs_" + i, r.probabilities(), t, r.numExperts());
                routings.add(r);
            }
        }
        afterNorm.apply(backend, x, t, x);
        return x;
    }

    /** The table rows of every chunk's positions, stacked as its frames are. */
    private float[] positionRows(ChunkRows chunks, int total) {
        if (chunks.streams() == 1) {
            return positionRows(chunks.offset(0), total);
        }
        float[] pe = new float[total * d];
        for (int s = 0; s < chunks.streams(); s++) {
            int first = chunks.offset(s);
            int count = chunks.frames(s);
            float[] table = tableFor(first + count);
            if (table.length >= (first + count) * d) {
                System.arraycopy(table, first * d, pe, chunks.start(s) * d, count * d);
            } else {
                System.arraycopy(RelPositionEncoding.rows(first, count, d), 0, pe, chunks.start(s) * d, count * d);
            }
        }
        return pe;
    }

    /** The table rows of positions {@code first .. first + count - 1}. */
    private float[] positionRows(int first, int count) {
        float[] pe = tableFor(first + count);
        if (pe.length >= (first + count) * d) {
            return Arrays.copyOfRange(pe, first * d, (first + count) * d);
        }
        return RelPositionEncoding.rows(first, count, d);
    }

    /** The kept table, grown to {@code rows} rows when that is within {@link #CACHED_POSITIONS}. */
    private float[] tableFor(int rows) {
        return rows <= CACHED_POSITIONS ? positions(rows) : positions;
    }

    /** A table with at least {@code t} rows (only those are read). */
    private float[] positions(int t) {
        float[] pe = positions;
        if (pe.length >= t * d) {
            return pe;
        }
        if (t > CACHED_POSITIONS) {
            return RelPositionEncoding.table(t, d);
        }
        pe = RelPositionEncoding.table(Math.min(CACHED_POSITIONS, Math.max(t, 2 * pe.length / Math.max(d, 1))), d);
        positions = pe;
        return pe;
    }
}
