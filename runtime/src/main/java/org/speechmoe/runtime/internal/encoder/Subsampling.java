package org.speechmoe.runtime.internal.encoder;

import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.backend.Epilogue;
import org.speechmoe.runtime.spi.Matrix;
import org.speechmoe.runtime.internal.weights.ModelWeights;
import org.speechmoe.runtime.internal.state.RecognizerState;

/**
 * 4x {@code conv2d} subsampling: Conv2d(1→d, 3x3, stride 2), ReLU, Conv2d(d→d, 3x3, stride 2), ReLU, then a Linear over
 * each output frame's channels × frequencies (channel-major). Both convolutions run as matrix multiplies over
 * im2col patches, so they use the backend's GEMM. The second convolution's patches are laid out tap-major
 * ({@code (kh, kw, cin)}: nine contiguous copies of a position's channels) instead of the stored weight's
 * channel-major order, so its weight is used through a copy with the columns permuted the same way (d × 9d floats,
 * made on first use: 2.4 MB for d = 256).
 */
final class Subsampling {
    /** Output frames computed per pass: bounds the convolutions' buffers, not the audio length. */
    private static final int FRAMES_PER_CHUNK = 64;
    /**
     * Chunks whose flattened output share one call of the output linear: its weight (d × d·f2, the widest of the
     * model) is decoded once per call, which cost more than the multiply itself at 64 rows.
     */
    private static final int CHUNKS_PER_LINEAR = 4;

    private final int d;
    private final int bins;
    private final Matrix conv0;
    private final float[] conv0Bias;
    private final Matrix conv2;
    /** {@link #conv2} with its columns in (kh, kw, cin) order; made on first use (racy but idempotent). */
    private volatile Matrix conv2TapMajor;
    private final float[] conv2Bias;
    private final Matrix out;
    private final float[] outBias;

    Subsampling(ModelWeights w, String prefix, int d, int bins) {
        this.d = d;
        this.bins = bins;
        conv0 = w.matrix(prefix + "subsampling.conv.0.weight");
        conv0Bias = w.floats(prefix + "subsampling.conv.0.bias");
        conv2 = w.matrix(prefix + "subsampling.conv.2.weight");
        conv2Bias = w.floats(prefix + "subsampling.conv.2.bias");
        out = w.matrix(prefix + "subsampling.out.0.weight");
        outBias = w.floats(prefix + "subsampling.out.0.bias");
    }

    /** Frames out for {@code frames} in: each 3x3 stride-2 convolution maps n to (n - 1) / 2. */
    static int outputFrames(int frames) {
        return frames < 7 ? 0 : ((frames - 1) / 2 - 1) / 2;
    }

    private Matrix conv2TapMajor() {
        Matrix m = conv2TapMajor;
        if (m == null) {
            float[] row = new float[9 * d];
            float[] permuted = new float[d * 9 * d];
            for (int o = 0; o < d; o++) {
                conv2.decodeRow(o, row);
                for (int c = 0; c < d; c++) {
                    for (int tap = 0; tap < 9; tap++) {
                        permuted[o * 9 * d + tap * d + c] = row[c * 9 + tap];
                    }
                }
            }
            m = Matrix.ofFloats(d, 9 * d, permuted);
            conv2TapMajor = m;
        }
        return m;
    }

    /** {@code feats} is {@code frames × bins}; returns {@code outputFrames(frames) × d}, before any scaling. */
    float[] forward(Backend backend, RecognizerState state, float[] feats, int frames) {
        return forward(backend, state, new float[][] {feats}, new int[] {frames});
    }

    /**
     * Several inputs at once (the chunks of several streams): {@code feats[i]} is {@code frames[i] × bins}; returns
     * their output frames stacked in order, {@code Σ outputFrames(frames[i]) × d}. The convolutions run on each
     * input's rows; the output linear on the flattened frames of several inputs together.
     */
    float[] forward(Backend backend, RecognizerState state, float[][] feats, int[] frames) {
        int f1 = (bins - 1) / 2;
        int f2 = (f1 - 1) / 2;
        int total = 0;
        int longest = 0;
        for (int n : frames) {
            total += outputFrames(n);
            longest = Math.max(longest, outputFrames(n));
        }
        int chunk = Math.min(FRAMES_PER_CHUNK, Math.max(longest, 1));
        // each chunk of output frames needs 2·n + 1 rows of the first convolution's output, computed per chunk so
        // that memory stays bounded however long the audio is
        int rows1 = 2 * chunk + 1;
        float[] patches = state.subsamplingPatches1.floats(rows1 * f1 * 9);
        float[] h1 = state.subsamplingConv1.floats(rows1 * f1 * d);
        float[] result = new float[total * d];
        float[] cols = state.subsamplingPatches2.floats(chunk * f2 * 9 * d);
        float[] h2 = state.subsamplingConv2.floats(chunk * f2 * d);
        int group = chunk * CHUNKS_PER_LINEAR;
        float[] flat = state.subsamplingFlat.floats(Math.min(group, Math.max(total, 1)) * d * f2);
        int flushed = 0;   // output frames through the output linear
        int waiting = 0;   // flattened frames in flat, waiting for it
        for (int input = 0; input < feats.length; input++) {
            float[] x = feats[input];
            int t2 = outputFrames(frames[input]);
            for (int start = 0; start < t2; start += chunk) {
                int n = Math.min(chunk, t2 - start);
                if (waiting + n > group) {
                    backend.matmul(flat, 0, waiting, out, result, flushed * d, Epilogue.store(outBias, Activation.NONE));
                    flushed += waiting;
                    waiting = 0;
                }
                convolutions(backend, x, 2 * start, n, patches, h1, cols, h2);
                int at = waiting * d * f2;
                backend.forRows(n, 4L * f2 * d, (from, to) -> {  // a strided scalar copy: weighed as 4 per float
                    for (int t = from; t < to; t++) {
                        for (int f = 0; f < f2; f++) {
                            for (int c = 0; c < d; c++) {
                                flat[at + t * d * f2 + c * f2 + f] = h2[(t * f2 + f) * d + c];
                            }
                        }
                    }
                });
                waiting += n;
            }
        }
        if (waiting > 0) {
            backend.matmul(flat, 0, waiting, out, result, flushed * d, Epilogue.store(outBias, Activation.NONE));
        }
        return result;
    }

    /**
     * Both convolutions for {@code n} output frames whose first convolution rows start at feature row
     * {@code 2 · first}: {@code h2} receives them, {@code (n, f2, d)}.
     */
    private void convolutions(Backend backend, float[] feats, int first, int n, float[] patches, float[] h1,
                              float[] cols, float[] h2) {
        int f1 = (bins - 1) / 2;
        int f2 = (f1 - 1) / 2;
        int rows = 2 * n + 1;
        // first convolution: one im2col row of 9 values per (time, frequency) position, channels last
        for (int t = 0; t < rows; t++) {
            for (int f = 0; f < f1; f++) {
                int row = (t * f1 + f) * 9;
                for (int kh = 0; kh < 3; kh++) {
                    for (int kw = 0; kw < 3; kw++) {
                        patches[row + kh * 3 + kw] = feats[(2 * (first + t) + kh) * bins + 2 * f + kw];
                    }
                }
            }
        }
        backend.matmul(patches, rows * f1, conv0, h1, Epilogue.store(conv0Bias, Activation.RELU));
        // second convolution's patches: column (kh, kw, cin) = (kh·3 + kw)·d + cin, as conv2TapMajor expects;
        // 9·d floats a position, the largest copy of the model (L: 260 MB a pass), spread over the threads
        backend.forRows(n, (long) f2 * 9 * d, (from, to) -> {
            for (int t = from; t < to; t++) {
                for (int f = 0; f < f2; f++) {
                    int row = (t * f2 + f) * 9 * d;
                    for (int kh = 0; kh < 3; kh++) {
                        for (int kw = 0; kw < 3; kw++) {
                            int src = ((2 * t + kh) * f1 + 2 * f + kw) * d;
                            System.arraycopy(h1, src, cols, row + (kh * 3 + kw) * d, d);
                        }
                    }
                }
            }
        });
        backend.matmul(cols, n * f2, conv2TapMajor(), h2, Epilogue.store(conv2Bias, Activation.RELU));
    }
}
