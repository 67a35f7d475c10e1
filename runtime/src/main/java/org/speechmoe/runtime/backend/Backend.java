package org.speechmoe.runtime.backend;

import java.util.Arrays;

/**
 * The heavy operations of the graph. {@link ScalarBackend} is their executable specification; faster backends are
 * tested against it. Activations are row-major float arrays (frames × features). Implementations are thread-safe
 * and keep no per-call state.
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
     * Relative-position self-attention as 3m-asr computes it (no relative shift): for head h and query t,
     * {@code score[s] = ((q_t + u_h)·k_s + (q_t + v_h)·p_s) / sqrt(d_k)}, softmax over s, and
     * {@code out_t = Σ_s softmax[s] · v_s}. All of q, k, v, p and out are {@code frames × (heads·d_k)}; head h
     * owns columns {@code [h·d_k, (h+1)·d_k)}; {@code biasU}, {@code biasV} are {@code heads × d_k}.
     */
    void attention(float[] q, float[] k, float[] v, float[] p, float[] biasU, float[] biasV, int frames, int heads,
                   float[] out);

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
            float[] b1 = Arrays.copyOfRange(layer.b1(), e * layer.hidden(), (e + 1) * layer.hidden());
            float[] b2 = Arrays.copyOfRange(layer.b2(), e * layer.dim(), (e + 1) * layer.dim());
            float[] gates = Arrays.copyOfRange(rowScale, from, from + n);
            matmul(gathered, from * layer.dim(), n, layer.w1(e), hidden, 0, Epilogue.store(b1, layer.activation()));
            matmul(hidden, 0, n, layer.w2(e), out, from * layer.dim(),
                    new Epilogue(b2, Activation.NONE, layer.scale(), gates, false));
        }
    }
}
