package org.speechmoe.runtime.internal.backend.vector;

import static org.speechmoe.runtime.internal.backend.vector.RegisterTile.MR;
import static org.speechmoe.runtime.internal.backend.vector.RegisterTile.PR;
import static org.speechmoe.runtime.internal.backend.vector.RegisterTile.roundUp;
import static org.speechmoe.runtime.internal.backend.vector.RegisterTile.tile;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Relative-position self-attention ({@link org.speechmoe.runtime.internal.backend.Backend#attention}) as two GEMMs per
 * head on the {@link RegisterTile}: queries against transposed keys, then scores against values. The queries may be
 * fewer than the keys (the last frames of a sequence whose earlier keys are cached); each query's row is computed the
 * same way whatever the others are.
 */
final class Attention {
    private static final VectorSpecies<Float> FS = VectorWidth.FLOATS;
    private static final int L = FS.length();

    private Attention() {
    }

    /**
     * Per head, two outer-product GEMMs on the register tile: scores {@code [q+u | q+v] · [k | p]ᵀ} (the transposed
     * keys and positions stacked as one panel matrix of {@code 2·d_k} rows), then {@code softmax · V} reading the
     * value rows in place; a tile's rows of queries at a time, heads and query ranges spread over the threads.
     */
    static void attention(ParallelLoop loop, KernelScratch scratch, float[] q, float[] k, float[] v, float[] p,
                          float[] biasU, float[] biasV, int queries, int keys, int heads, float[] out) {
        if (queries <= 0) {
            return;
        }
        int d = biasU.length;
        int dk = d / heads;
        int groups = Math.ceilDiv(queries, MR);
        int chunks = Math.max(1, Math.min(Math.ceilDiv(2 * loop.threads(), heads), Math.ceilDiv(groups, 4)));
        int chunkGroups = Math.ceilDiv(groups, chunks);
        int finalChunks = Math.ceilDiv(groups, chunkGroups);
        long work = (long) queries * keys * d * 3;
        AttentionArgs a = new AttentionArgs(q, k, v, p, biasU, biasV, queries, keys, d, dk, out);
        loop.forEach(heads * finalChunks, work, slot -> {
            Scratch s = scratch.attention(slot, keys, dk);
            return item -> {
                int h = item / finalChunks;
                int c = item % finalChunks;
                if (s.head != h) {
                    s.load(a, h);
                }
                int from = c * chunkGroups * MR;
                attentionHead(a, s, h, from, Math.min(queries, from + chunkGroups * MR));
            };
        });
    }

    private record AttentionArgs(float[] q, float[] k, float[] v, float[] p, float[] biasU, float[] biasV,
                                 int queries, int keys, int d, int dk, float[] out) {
    }

    /**
     * One slot's buffers, kept between calls ({@link KernelScratch}); {@code transposed} holds head {@code head}'s k
     * and p transposed: {@code [2·d_k][keys]}; when d_k is not a multiple of 2L, {@code values} holds its v rows
     * padded to {@code valueStride} columns with zeros, so that the last columns are a whole tile too. Every item
     * writes what it reads of them first, the zero padding included as long as keys and d_k stay the same.
     */
    static final class Scratch {
        final int keys;
        final int dk;
        final int stride;
        final int valueStride;
        final float[] values;
        final float[] transposed;
        /** A tile's rows of queries with the biases added: {@code [q + u | q + v]}. */
        final float[] biased;
        final float[] scores;
        final float[] tile = new float[MR * PR];
        final float[] sums = new float[MR];
        int head = -1;

        Scratch(int keys, int dk) {
            this.keys = keys;
            this.dk = dk;
            stride = roundUp(keys, PR);
            valueStride = roundUp(dk, PR);
            values = valueStride == dk ? null : new float[keys * valueStride];
            transposed = new float[2 * dk * stride];
            biased = new float[MR * 2 * dk];
            scores = new float[MR * stride];
        }

        void load(AttentionArgs a, int h) {
            int col = h * a.dk;
            int pAt = a.dk * stride;
            for (int s = 0; s < a.keys; s++) {
                int src = s * a.d + col;
                for (int j = 0; j < a.dk; j++) {
                    transposed[j * stride + s] = a.k[src + j];
                    transposed[pAt + j * stride + s] = a.p[src + j];
                }
                if (values != null) {
                    System.arraycopy(a.v, src, values, s * valueStride, a.dk);
                }
            }
            head = h;
        }
    }

    /**
     * Queries {@code [from, to)} of head h, {@link RegisterTile#MR} at a time (a short last group repeats its last
     * query), each against all keys.
     */
    private static void attentionHead(AttentionArgs a, Scratch s, int h, int from, int to) {
        int d = a.d;
        int dk = a.dk;
        int dk2 = 2 * dk;
        int col = h * dk;
        int keys = a.keys;
        int stride = s.stride;
        float norm = (float) (1.0 / Math.sqrt(dk));
        float[] biased = s.biased, scores = s.scores, tile = s.tile, sums = s.sums;
        for (int t0 = from; t0 < to; t0 += MR) {
            int n = Math.min(MR, to - t0);
            for (int i = 0; i < n; i++) {
                int t = t0 + Math.min(i, n - 1);
                for (int j = 0; j < dk; j++) {
                    float qj = a.q[t * d + col + j];
                    biased[i * dk2 + j] = qj + a.biasU[col + j];
                    biased[i * dk2 + dk + j] = qj + a.biasV[col + j];
                }
            }
            // scores[i][s] = (q_i + u)·k_s + (q_i + v)·p_s, times 1/sqrt(d_k)
            for (int s0 = 0; s0 < stride; s0 += PR) {
                tile(biased, 0, dk2, n, s.transposed, s0, stride, dk2, tile);
                for (int i = 0; i < n; i++) {
                    for (int r = 0; r < PR; r += L) {
                        FloatVector.fromArray(FS, tile, i * PR + r).mul(norm).intoArray(scores, i * stride + s0 + r);
                    }
                }
            }
            // softmax numerators, and their sums
            for (int i = 0; i < n; i++) {
                int base = i * stride;
                Arrays.fill(scores, base + keys, base + stride, Float.NEGATIVE_INFINITY);
                FloatVector m = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY);
                for (int sv = 0; sv < stride; sv += L) {
                    m = m.max(FloatVector.fromArray(FS, scores, base + sv));
                }
                float max = m.reduceLanes(VectorOperators.MAX);
                sums[i] = VectorMath.expSum(scores, base, stride, max, true);
            }
            // out_t = Σ_s e[t, s] · v_s / sum_t, PR columns of d_k at a time
            float[] values = s.values == null ? a.v : s.values;
            int vAt = s.values == null ? col : 0;
            int vStride = s.values == null ? d : s.valueStride;
            for (int j = 0; j < dk; j += PR) {
                tile(scores, 0, stride, n, values, vAt + j, vStride, keys, tile);
                int m = Math.min(PR, dk - j);
                for (int i = 0; i < n; i++) {
                    int at = (t0 + i) * d + col + j;
                    if (m == PR) {
                        for (int r = 0; r < PR; r += L) {
                            FloatVector.fromArray(FS, tile, i * PR + r).div(sums[i]).intoArray(a.out, at + r);
                        }
                    } else {
                        for (int r = 0; r < m; r++) {
                            a.out[at + r] = tile[i * PR + r] / sums[i];
                        }
                    }
                }
            }
        }
    }
}
