package org.speechmoe.runtime.internal.backend;

import org.speechmoe.runtime.spi.Matrix;

/**
 * Plain loops in the order the math is written: the specification the other backends are tested against. Weights
 * are decoded one row at a time with {@link Matrix#decodeRow}, the scalar definition of every stored type. It keeps
 * nothing between calls, so unlike other backends one instance may serve any number of threads at once.
 */
public final class ScalarBackend implements Backend {
    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void matmul(float[] x, int xOffset, int rows, Matrix w, float[] y, int yOffset, Epilogue epilogue) {
        int in = w.cols();
        int out = w.rows();
        float[] row = new float[in];
        for (int o = 0; o < out; o++) {
            w.decodeRow(o, row);
            for (int r = 0; r < rows; r++) {
                int xBase = xOffset + r * in;
                float dot = 0f;
                for (int i = 0; i < in; i++) {
                    dot += x[xBase + i] * row[i];
                }
                int at = yOffset + r * out + o;
                y[at] = epilogue.apply(dot, r, o, y[at]);
            }
        }
    }

    @Override
    public void attention(float[] q, float[] k, float[] v, float[] p, float[] biasU, float[] biasV, int queries,
                          int keys, int heads, float[] out) {
        int d = biasU.length;
        int dk = d / heads;
        float norm = (float) (1.0 / Math.sqrt(dk));
        float[] scores = new float[keys];
        for (int h = 0; h < heads; h++) {
            int col = h * dk;
            for (int t = 0; t < queries; t++) {
                for (int s = 0; s < keys; s++) {
                    float content = 0f;
                    float position = 0f;
                    for (int j = 0; j < dk; j++) {
                        float qj = q[t * d + col + j];
                        content += (qj + biasU[col + j]) * k[s * d + col + j];
                        position += (qj + biasV[col + j]) * p[s * d + col + j];
                    }
                    scores[s] = (content + position) * norm;
                }
                float sum = Softmax.exponentiate(scores, 0, keys);
                for (int j = 0; j < dk; j++) {
                    float acc = 0f;
                    for (int s = 0; s < keys; s++) {
                        acc += scores[s] * v[s * d + col + j];
                    }
                    out[t * d + col + j] = acc / sum;
                }
            }
        }
    }

    @Override
    public void depthwiseConv(float[] x, int frames, int channels, float[] kernel, int kernelSize, float[] bias,
                              float[] out) {
        int pad = (kernelSize - 1) / 2;
        for (int t = 0; t < frames; t++) {
            for (int c = 0; c < channels; c++) {
                float acc = bias[c];
                for (int j = 0; j < kernelSize; j++) {
                    int src = t + j - pad;
                    if (src >= 0 && src < frames) {
                        acc += kernel[c * kernelSize + j] * x[src * channels + c];
                    }
                }
                out[t * channels + c] = acc;
            }
        }
    }
}
