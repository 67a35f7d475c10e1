package org.speechmoe.runtime.internal.backend.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.speechmoe.runtime.internal.backend.Softmax;
import org.speechmoe.runtime.spi.Activation;

/**
 * The memory-bound passes over activations: vectorized along the channels, rows spread over the threads. The depthwise
 * convolution keeps the scalar order and roundings (bit-identical to the scalar backend); the others sum lanes in
 * float where the specification sums in double, or use {@link VectorMath#exp}.
 */
final class ChannelPasses {
    private static final VectorSpecies<Float> FS = VectorWidth.FLOATS;
    private static final int L = FS.length();

    private ChannelPasses() {
    }

    static void depthwiseConv(ParallelLoop loop, float[] x, int frames, int channels, float[] kernel, int kernelSize,
                              float[] bias, float[] out) {
        if (frames <= 0 || channels <= 0) {
            return;
        }
        // taps transposed to [K, channels] so that one vector load covers L channels of one tap
        float[] taps = new float[kernelSize * channels];
        for (int c = 0; c < channels; c++) {
            for (int j = 0; j < kernelSize; j++) {
                taps[j * channels + c] = kernel[c * kernelSize + j];
            }
        }
        int pad = (kernelSize - 1) / 2;
        int chunk = Math.max(1, Math.ceilDiv(frames, 4 * loop.threads()));
        int items = Math.ceilDiv(frames, chunk);
        long work = (long) frames * channels * kernelSize;
        loop.forEach(items, work, slot -> item -> {
            int from = item * chunk;
            int to = Math.min(frames, from + chunk);
            int bound = FS.loopBound(channels);
            for (int t = from; t < to; t++) {
                int jFrom = Math.max(0, pad - t);
                int jTo = Math.min(kernelSize, frames + pad - t);
                int o = t * channels;
                int c = 0;
                // four independent accumulation chains; each keeps the scalar order and rounding:
                // acc = bias; acc += tap · x, tap by tap (no fused multiply-add)
                for (; c + 4 * L <= channels; c += 4 * L) {
                    FloatVector a0 = FloatVector.fromArray(FS, bias, c);
                    FloatVector a1 = FloatVector.fromArray(FS, bias, c + L);
                    FloatVector a2 = FloatVector.fromArray(FS, bias, c + 2 * L);
                    FloatVector a3 = FloatVector.fromArray(FS, bias, c + 3 * L);
                    for (int j = jFrom; j < jTo; j++) {
                        int tap = j * channels + c;
                        int src = (t + j - pad) * channels + c;
                        a0 = a0.add(FloatVector.fromArray(FS, taps, tap).mul(FloatVector.fromArray(FS, x, src)));
                        a1 = a1.add(FloatVector.fromArray(FS, taps, tap + L)
                                .mul(FloatVector.fromArray(FS, x, src + L)));
                        a2 = a2.add(FloatVector.fromArray(FS, taps, tap + 2 * L)
                                .mul(FloatVector.fromArray(FS, x, src + 2 * L)));
                        a3 = a3.add(FloatVector.fromArray(FS, taps, tap + 3 * L)
                                .mul(FloatVector.fromArray(FS, x, src + 3 * L)));
                    }
                    a0.intoArray(out, o + c);
                    a1.intoArray(out, o + c + L);
                    a2.intoArray(out, o + c + 2 * L);
                    a3.intoArray(out, o + c + 3 * L);
                }
                for (; c < bound; c += L) {
                    FloatVector acc = FloatVector.fromArray(FS, bias, c);
                    for (int j = jFrom; j < jTo; j++) {
                        FloatVector tap = FloatVector.fromArray(FS, taps, j * channels + c);
                        acc = acc.add(tap.mul(FloatVector.fromArray(FS, x, (t + j - pad) * channels + c)));
                    }
                    acc.intoArray(out, o + c);
                }
                for (; c < channels; c++) {
                    float acc = bias[c];
                    for (int j = jFrom; j < jTo; j++) {
                        acc += kernel[c * kernelSize + j] * x[(t + j - pad) * channels + c];
                    }
                    out[o + c] = acc;
                }
            }
        });
    }

    static void layerNorm(ParallelLoop loop, float[] x, int frames, float[] weight, float[] bias, float eps,
                          float[] out) {
        int d = weight.length;
        int bound = FS.loopBound(d);
        loop.forRows(frames, 4L * d, (from, to) -> {
            for (int t = from; t < to; t++) {
                int base = t * d;
                FloatVector acc = FloatVector.zero(FS);
                int c = 0;
                for (; c < bound; c += L) {
                    acc = acc.add(FloatVector.fromArray(FS, x, base + c));
                }
                float sum = VectorMath.sum(acc);
                for (; c < d; c++) {
                    sum += x[base + c];
                }
                float mean = sum / d;
                acc = FloatVector.zero(FS);
                for (c = 0; c < bound; c += L) {
                    FloatVector dev = FloatVector.fromArray(FS, x, base + c).sub(mean);
                    acc = dev.fma(dev, acc);
                }
                float sq = VectorMath.sum(acc);
                for (; c < d; c++) {
                    float dev = x[base + c] - mean;
                    sq += dev * dev;
                }
                float inv = (float) (1.0 / Math.sqrt((double) sq / d + eps));
                for (c = 0; c < bound; c += L) {
                    FloatVector.fromArray(FS, x, base + c).sub(mean).mul(inv)
                            .fma(FloatVector.fromArray(FS, weight, c), FloatVector.fromArray(FS, bias, c))
                            .intoArray(out, base + c);
                }
                for (; c < d; c++) {
                    out[base + c] = (x[base + c] - mean) * inv * weight[c] + bias[c];
                }
            }
        });
    }

    static void scaleShift(ParallelLoop loop, float[] x, int frames, float[] scale, float[] shift, float[] out) {
        int d = scale.length;
        int bound = FS.loopBound(d);
        loop.forRows(frames, d, (from, to) -> {
            for (int t = from; t < to; t++) {
                int base = t * d;
                int c = 0;
                for (; c < bound; c += L) {
                    FloatVector.fromArray(FS, x, base + c)
                            .fma(FloatVector.fromArray(FS, scale, c), FloatVector.fromArray(FS, shift, c))
                            .intoArray(out, base + c);
                }
                for (; c < d; c++) {
                    out[base + c] = x[base + c] * scale[c] + shift[c];
                }
            }
        });
    }

    static void activate(ParallelLoop loop, float[] x, int n, Activation activation) {
        if (activation == Activation.NONE) {
            return;
        }
        int block = 4096;
        loop.forRows(Math.ceilDiv(n, block), 8L * block, (from, to) -> {
            int end = Math.min(n, to * block);
            int i = from * block;
            if (activation == Activation.SWISH) {
                VectorMath.swish(x, i, end - i);
                return;
            }
            for (; i + L <= end; i += L) {
                FloatVector.fromArray(FS, x, i).max(0f).intoArray(x, i);
            }
            for (; i < end; i++) {
                x[i] = activation.apply(x[i]);
            }
        });
    }

    static void glu(ParallelLoop loop, float[] x, int frames, int channels, float[] out) {
        loop.forRows(frames, 8L * channels, (from, to) -> {
            for (int t = from; t < to; t++) {
                int a = t * 2 * channels;
                VectorMath.glu(x, a, a + channels, out, t * channels, channels);
            }
        });
    }

    static void logSoftmax(ParallelLoop loop, float[] x, int rows, int cols) {
        int bound = FS.loopBound(cols);
        loop.forRows(rows, 8L * cols, (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * cols;
                FloatVector m = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY);
                int c = 0;
                for (; c < bound; c += L) {
                    m = m.max(FloatVector.fromArray(FS, x, base + c));
                }
                float max = Math.max(m.reduceLanes(VectorOperators.MAX), Softmax.max(x, base + bound, base + cols));
                double sum = Softmax.expSum(VectorMath.expSum(x, base, bound, max, false), x, base + bound,
                        base + cols, max);
                float shift = max + (float) StrictMath.log(sum);
                for (c = 0; c < bound; c += L) {
                    FloatVector.fromArray(FS, x, base + c).sub(shift).intoArray(x, base + c);
                }
                for (; c < cols; c++) {
                    x[base + c] = x[base + c] - shift;
                }
            }
        });
    }
}
