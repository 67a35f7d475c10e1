package org.speechmoe.runtime.internal.backend;

import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.spi.ExpertLayer;
import org.speechmoe.runtime.spi.Matrix;

/**
 * The heavy operations of the graph. {@link ScalarBackend} is their executable specification; faster backends are
 * tested against it. Activations are row-major float arrays (frames × features).
 *
 * <p>An instance serves one caller thread at a time and is not to be shared between concurrent callers: a backend
 * may keep scratch between calls (the vector backend does, per thread of its own pool; those worker threads are its
 * business). Each {@code Recognizer} gets its own from {@link Backends}, and is itself used by one thread at a time.
 * Results never depend on what earlier calls left behind.
 */
public interface Backend {
    String name();

    /**
     * For {@code r < rows}, {@code o < w.rows()}: {@code y[yOffset + r·w.rows() + o] = epilogue(Σ_i x[xOffset +
     * r·w.cols() + i] · w[o, i])}. The epilogue's {@code rowScale} is indexed by {@code r}.
     */
    void matmul(float[] x, int xOffset, int rows, Matrix w, float[] y, int yOffset, Epilogue epilogue);

    default void matmul(float[] x, int rows, Matrix w, float[] y, Epilogue epilogue) {
        matmul(x, 0, rows, w, y, 0, epilogue);
    }

    /**
     * Relative-position self-attention as 3m-asr computes it (no relative shift): for head h, query t and key s,
     * {@code score[s] = ((q_t + u_h)·k_s + (q_t + v_h)·p_s) / sqrt(d_k)}, softmax over the keys, and
     * {@code out_t = Σ_s softmax[s] · v_s}. The {@code keys} frames are a cached prefix followed by the new frames,
     * and the {@code queries} (at most {@code keys}, at least one key) are the last {@code queries} of them: q and out
     * are {@code queries × (heads·d_k)}, k, v and p are {@code keys × (heads·d_k)}. Row s of p is the position term of
     * key s, which depends on the key's position alone; so with {@code queries == keys} this is attention over the
     * whole sequence, and a query's output does not depend on which other queries are computed with it. Head h owns
     * columns {@code [h·d_k, (h+1)·d_k)}; {@code biasU}, {@code biasV} are {@code heads × d_k}.
     */
    void attention(float[] q, float[] k, float[] v, float[] p, float[] biasU, float[] biasV, int queries, int keys,
                   int heads, float[] out);

    /**
     * Depthwise convolution over time with zero padding {@code (K-1)/2} on both sides: {@code out[t, c] = bias[c] +
     * Σ_j kernel[c, j] · x[t + j - (K-1)/2, c]}; x and out are {@code frames × channels}, kernel
     * {@code channels × K}.
     */
    void depthwiseConv(float[] x, int frames, int channels, float[] kernel, int kernelSize, float[] bias, float[] out);

    /**
     * Runs each expert's FFN on its frames: the {@code gathered} rows ({@code × dim}) are grouped by expert, expert e
     * owning rows {@code [offsets[e], offsets[e+1])}; row r of {@code out} becomes
     * {@code scale · rowScale[r] · (W2_e act(W1_e x_r + b1_e) + b2_e)}. Experts without rows cost nothing.
     * This is the operation a GPU backend takes over, all experts of a layer in one launch.
     */
    default void expertFfn(ExpertLayer layer, float[] gathered, int[] offsets, float[] rowScale, float[] out) {
        int maxRows = 0;
        for (int e = 0; e < layer.experts(); e++) {
            maxRows = Math.max(maxRows, offsets[e + 1] - offsets[e]);
        }
        float[] hidden = new float[maxRows * layer.hidden()];
        for (int e = 0; e < layer.experts(); e++) {
            int from = offsets[e];
            int n = offsets[e + 1] - from;
            if (n == 0) {
                continue;
            }
            matmul(gathered, from * layer.dim(), n, layer.w1(e), hidden, 0,
                    new Epilogue(layer.b1(), e * layer.hidden(), layer.activation(), 1f, null, 0, false));
            matmul(hidden, 0, n, layer.w2(e), out, from * layer.dim(),
                    new Epilogue(layer.b2(), e * layer.dim(), Activation.NONE, layer.scale(), rowScale, from, false));
        }
    }

    // The light operations below are memory-bound passes over the activations; their defaults are the scalar
    // specification, in the order the math is written.

    /**
     * LayerNorm over the channels of each of {@code frames} rows ({@code channels = weight.length}):
     * {@code out = (x - mean) / sqrt(var + eps) · weight + bias}; {@code out} may be {@code x}.
     */
    default void layerNorm(float[] x, int frames, float[] weight, float[] bias, float eps, float[] out) {
        int d = weight.length;
        for (int t = 0; t < frames; t++) {
            int base = t * d;
            double sum = 0;
            for (int c = 0; c < d; c++) {
                sum += x[base + c];
            }
            float mean = (float) (sum / d);
            double sq = 0;
            for (int c = 0; c < d; c++) {
                float dev = x[base + c] - mean;
                sq += dev * dev;
            }
            float inv = (float) (1.0 / Math.sqrt(sq / d + eps));
            for (int c = 0; c < d; c++) {
                out[base + c] = (x[base + c] - mean) * inv * weight[c] + bias[c];
            }
        }
    }

    /** {@code out[t, c] = x[t, c] · scale[c] + shift[c]} ({@code channels = scale.length}); {@code out} may be x. */
    default void scaleShift(float[] x, int frames, float[] scale, float[] shift, float[] out) {
        int d = scale.length;
        for (int t = 0; t < frames; t++) {
            for (int c = 0; c < d; c++) {
                out[t * d + c] = x[t * d + c] * scale[c] + shift[c];
            }
        }
    }

    /** {@code x[i] = activation(x[i])} for {@code i < n}. */
    default void activate(float[] x, int n, Activation activation) {
        for (int i = 0; i < n; i++) {
            x[i] = activation.apply(x[i]);
        }
    }

    /**
     * The gated linear unit over the channels: x is {@code frames × 2·channels}, {@code out[t, c] = x[t, c] ·
     * sigmoid(x[t, channels + c])}.
     */
    default void glu(float[] x, int frames, int channels, float[] out) {
        for (int t = 0; t < frames; t++) {
            for (int c = 0; c < channels; c++) {
                float a = x[t * 2 * channels + c];
                float b = x[t * 2 * channels + channels + c];
                out[t * channels + c] = a * Activation.sigmoid(b);
            }
        }
    }

    /**
     * Runs {@code body} over the rows {@code [0, rows)}, split into ranges on this backend's threads: for the copies
     * around the kernels (im2col patches, layout changes), memory-bound passes like the operations above.
     * {@code body} must touch disjoint outputs for different rows. The default runs one range on the calling thread.
     *
     * @param floatsPerRow the floats a row moves, which decides whether splitting is worth it
     */
    default void forRows(int rows, long floatsPerRow, RowRange body) {
        if (rows > 0) {
            body.run(0, rows);
        }
    }

    /** The rows {@code [from, to)} of a {@link #forRows} loop. */
    @FunctionalInterface
    interface RowRange {
        void run(int from, int to);
    }

    /** Log-softmax of each of {@code rows} rows of {@code cols} values, in place. */
    default void logSoftmax(float[] x, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            Softmax.logSoftmax(x, r * cols, (r + 1) * cols);
        }
    }
}
