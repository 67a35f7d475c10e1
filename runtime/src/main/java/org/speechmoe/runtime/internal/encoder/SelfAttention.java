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

    /** {@code x += linear_out(attention(y))}, with {@code pe} the position table of the frames. */
    void addTo(Backend backend, RecognizerState state, float[] y, float[] pe, int frames, float[] x) {
        float[] q = state.queries.floats(frames * d);
        float[] k = state.keys.floats(frames * d);
        float[] v = state.values.floats(frames * d);
        float[] p = state.positions.floats(frames * d);
        backend.matmul(y, frames, wq, q, Epilogue.store(bq, Activation.NONE));
        backend.matmul(y, frames, wk, k, Epilogue.store(bk, Activation.NONE));
        backend.matmul(y, frames, wv, v, Epilogue.store(bv, Activation.NONE));
        backend.matmul(pe, frames, wPos, p, Epilogue.store(null, Activation.NONE));
        float[] context = state.context.floats(frames * d);
        backend.attention(q, k, v, p, biasU, biasV, frames, frames, heads, context);
        backend.matmul(context, frames, wOut, x, Epilogue.addScaled(bOut, 1f));
    }

    /**
     * The same for a chunk of a stream: the chunk's frames attend over the cached keys and then their own.
     * {@code pe} holds the table rows of the chunk's absolute positions; 3m-asr's position term depends on the key's
     * position alone, so cached keys keep their projected positions and the chunk equals the masked full pass.
     */
    void addTo(Backend backend, RecognizerState state, float[] y, float[] pe, int frames, float[] x,
               BlockCache cache) {
        float[] q = state.queries.floats(frames * d);
        backend.matmul(y, frames, wq, q, Epilogue.store(bq, Activation.NONE));
        cache.reserve(frames);
        int at = cache.rows() * d;
        backend.matmul(y, 0, frames, wk, cache.keys(), at, Epilogue.store(bk, Activation.NONE));
        backend.matmul(y, 0, frames, wv, cache.values(), at, Epilogue.store(bv, Activation.NONE));
        backend.matmul(pe, 0, frames, wPos, cache.positions(), at, Epilogue.store(null, Activation.NONE));
        float[] context = state.context.floats(frames * d);
        backend.attention(q, cache.keys(), cache.values(), cache.positions(), biasU, biasV, frames,
                cache.rows() + frames, heads, context);
        cache.commit(frames);
        backend.matmul(context, frames, wOut, x, Epilogue.addScaled(bOut, 1f));
    }
}
