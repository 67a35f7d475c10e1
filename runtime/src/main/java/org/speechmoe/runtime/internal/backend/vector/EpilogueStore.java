package org.speechmoe.runtime.internal.backend.vector;

import static org.speechmoe.runtime.internal.backend.vector.RegisterTile.PR;
import static org.speechmoe.runtime.internal.backend.vector.RegisterTile.roundUp;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.speechmoe.runtime.internal.backend.Epilogue;
import org.speechmoe.runtime.spi.Activation;

/**
 * How a multiply's dot products reach y, vectorized along whatever the kernel holds contiguously: a row of dot
 * products, an accumulator register, or a tile column of the outer product (stored transposed).
 */
final class EpilogueStore {
    private static final VectorSpecies<Float> FS = VectorWidth.FLOATS;
    private static final int L = FS.length();

    private EpilogueStore() {
    }

    /** {@code y[ya + j] = ep(dots[da + j])} for the {@code n} columns {@code col..col+n} of row {@code row}. */
    static void epilogue(Epilogue ep, float[] dots, int da, float[] y, int ya, int row, int col, int n) {
        float s = ep.scaleOf(row);
        FloatVector scale = FloatVector.broadcast(FS, s);
        int bound = FS.loopBound(n);
        float[] bias = ep.bias();
        int ba = ep.biasOffset() + col;
        boolean swish = ep.activation() == Activation.SWISH;
        if (swish) {
            // bias, then the activation over the row in place, then the rest as with no activation
            if (bias != null) {
                int j = 0;
                for (; j < bound; j += L) {
                    FloatVector.fromArray(FS, dots, da + j).add(FloatVector.fromArray(FS, bias, ba + j))
                            .intoArray(dots, da + j);
                }
                for (; j < n; j++) {
                    dots[da + j] += bias[ba + j];
                }
            }
            VectorMath.swish(dots, da, n);
        }
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector v = FloatVector.fromArray(FS, dots, da + j);
            if (!swish) {
                if (bias != null) {
                    v = v.add(FloatVector.fromArray(FS, bias, ba + j));
                }
                if (ep.activation() == Activation.RELU) {
                    v = v.max(0f);
                }
            }
            v = v.mul(scale);
            if (ep.accumulate()) {
                v = FloatVector.fromArray(FS, y, ya + j).add(v);
            }
            v.intoArray(y, ya + j);
        }
        for (; j < n; j++) {
            y[ya + j] = swish ? ep.finish(dots[da + j], row, y[ya + j])
                    : ep.apply(dots[da + j], row, col + j, y[ya + j]);
        }
    }

    /** The epilogue of {@code m} (≤ 0: none; past L: L) columns of one accumulator, stored to {@code y[ya..]}. */
    static void shallowStore(Epilogue ep, FloatVector v, float scale, float[] y, int ya, int ba, int m) {
        if (m <= 0) {
            return;
        }
        VectorMask<Float> mask = FS.indexInRange(0, Math.min(m, L));
        if (ep.bias() != null) {
            v = v.add(FloatVector.fromArray(FS, ep.bias(), ba, mask));
        }
        if (ep.activation() == Activation.RELU) {
            v = v.max(0f);
        }
        v = v.mul(scale);
        if (ep.accumulate()) {
            v = FloatVector.fromArray(FS, y, ya, mask).add(v);
        }
        v.intoArray(y, ya, mask);
    }

    /**
     * The epilogue of one tile, vectorized along its rows (the bias is one broadcast per column), then stored
     * transposed into y: {@code n} rows from {@code row}, {@code m} columns from {@code col}.
     */
    static void packedEpilogue(Gemm g, float[] tile, int row, int n, int col, int m) {
        Epilogue ep = g.ep;
        int out = g.w.rows();
        float[] y = g.y;
        for (int j = 0; j < m; j++) {
            float bias = ep.bias() == null ? 0f : ep.bias()[ep.biasOffset() + col + j];
            // panels hand all their lanes to the next multiply: no stale values in the rows past n
            int nv = g.panelOut != null ? PR : roundUp(n, L);
            for (int h = 0; h < nv; h += L) {
                FloatVector v = FloatVector.fromArray(FS, tile, j * PR + h);
                if (ep.bias() != null) {
                    v = v.add(bias);
                }
                if (ep.activation() == Activation.RELU) {
                    v = v.max(0f);
                }
                v.intoArray(tile, j * PR + h);
            }
            if (ep.activation() == Activation.SWISH) {
                VectorMath.swish(tile, j * PR, nv);
            }
            for (int h = 0; h < nv; h += L) {
                FloatVector.fromArray(FS, tile, j * PR + h).mul(FloatVector.fromArray(FS, g.rowScales, row + h))
                        .intoArray(tile, j * PR + h);
            }
            if (g.panelOut != null) {
                System.arraycopy(tile, j * PR, g.panelOut, g.panelOutOffset + (row / PR * out + col + j) * PR, PR);
                continue;
            }
            int at = g.yOffset + row * out + col + j;
            if (ep.accumulate()) {
                for (int r = 0; r < n; r++, at += out) {
                    y[at] += tile[j * PR + r];
                }
            } else {
                for (int r = 0; r < n; r++, at += out) {
                    y[at] = tile[j * PR + r];
                }
            }
        }
    }
}
