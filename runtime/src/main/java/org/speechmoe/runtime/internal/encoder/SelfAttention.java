package org.speechmoe.runtime.internal.encoder;

import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.backend.Epilogue;
import org.speechmoe.runtime.spi.Matrix;
import org.speechmoe.runtime.internal.weights.ModelWeights;
import org.speechmoe.runtime.internal.state.BlockCache;
import org.speechmoe.runtime.internal.state.RecognizerState;

/** Multi-head self-attention with 3m-asr's relative-position terms; adds its output to the residual stream. */
final class SelfAttention {
    private final int d;
    private final int heads;
    private final Matrix wq;
    private final Matrix wk;
    private final Matrix wv;
    private final Matrix wOut;
    private final Matrix wPos;
    private final float[] bq;
    private final float[] bk;
    private final float[] bv;
    private final float[] bOut;
    private final float[] biasU;
    private final float[] biasV;

    SelfAttention(ModelWeights w, String prefix, int d, int heads) {
        this.d = d;
        this.heads = heads;
        String p = prefix + "self_attn.";
        wq = w.matrix(p + "linear_q.weight");
        wk = w.matrix(p + "linear_k.weight");
        wv = w.matrix(p + "linear_v.weight");
        wOut = w.matrix(p + "linear_out.weight");
        wPos = w.matrix(p + "linear_pos.weight");
        bq = w.floats(p + "linear_q.bias");
        bk = w.floats(p + "linear_k.bias");
        bv = w.floats(p + "linear_v.bias");
        bOut = w.floats(p + "linear_out.bias");
        biasU = w.floats(p + "pos_bias_u");
        biasV = w.floats(p + "pos_bias_v");
    }

    /**
     * {@code x += linear_out(attention(y))} over {@code frames} rows. {@code chunks} null: the rows are one utterance
     * and {@code pe} its position table. Otherwise they are the chunks of one or more streams ({@link ChunkRows}) and
     * {@code pe} holds the table rows of each chunk's absolute positions: each stream's frames attend over its cached
     * keys and then their own. 3m-asr's position term depends on the key's position alone, so cached keys keep their
     * projected positions and a chunk equals the masked full pass. The projections run on all rows at once.
     */
    void addTo(Backend backend, RecognizerState state, float[] y, float[] pe, int frames, float[] x, ChunkRows chunks,
               int block) {
        float[] q = state.queries.floats(frames * d);
        float[] k = state.keys.floats(frames * d);
        float[] v = state.values.floats(frames * d);
        float[] p = state.positions.floats(frames * d);
        backend.matmul(y, frames, wq, q, Epilogue.store(bq, Activation.NONE));
        backend.matmul(y, frames, wk, k, Epilogue.store(bk, Activation.NONE));
        backend.matmul(y, frames, wv, v, Epilogue.store(bv, Activation.NONE));
        backend.matmul(pe, frames, wPos, p, Epilogue.store(null, Activation.NONE));
        float[] context = state.context.floats(frames * d);
        if (chunks == null) {
            backend.attention(q, k, v, p, biasU, biasV, frames, frames, heads, context);
        } else {
            for (int s = 0; s < chunks.streams(); s++) {
                attendOverCache(backend, state, q, k, v, p, chunks.start(s), chunks.frames(s),
                        chunks.cache(s, block), context);
            }
        }
        backend.matmul(context, frames, wOut, x, Epilogue.addScaled(bOut, 1f));
    }

    /** One stream's {@code n} rows from {@code start}: appends their keys to its cache and attends over all. */
    private void attendOverCache(Backend backend, RecognizerState state, float[] q, float[] k, float[] v, float[] p,
                                 int start, int n, BlockCache cache, float[] context) {
        cache.reserve(n);
        int at = cache.rows() * d;
        System.arraycopy(k, start * d, cache.keys(), at, n * d);
        System.arraycopy(v, start * d, cache.values(), at, n * d);
        System.arraycopy(p, start * d, cache.positions(), at, n * d);
        float[] queries = q;
        float[] out = context;
        if (start > 0) {
            // the attention kernel takes its queries and writes its output from row 0
            queries = state.streamQueries.floats(n * d);
            System.arraycopy(q, start * d, queries, 0, n * d);
            out = state.streamContext.floats(n * d);
        }
        backend.attention(queries, cache.keys(), cache.values(), cache.positions(), biasU, biasV, n, cache.rows() + n,
                heads, out);
        if (start > 0) {
            System.arraycopy(out, 0, context, start * d, n * d);
        }
        cache.commit(n);
    }
}
