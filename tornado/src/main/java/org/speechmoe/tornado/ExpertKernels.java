package org.speechmoe.tornado;

import org.speechmoe.format.DType;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.HalfFloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The two grouped GEMMs of a MoE layer's experts, one work-item per output element, all experts in one launch: row
 * {@code r} of the gathered frames belongs to expert {@code rowExpert[r]}, and only the first {@code rows[0]} rows are
 * live (the count is device data, sent with every call, because TornadoVM folds scalar arguments into the kernel at
 * its first compilation). Each stored weight type has its own pair of kernels; the scalar definition of every type is
 * {@code Matrix.decodeRow} in the runtime, which these follow.
 *
 * <p>Stage 1: {@code h[r, j] = act(Σ_i x[r, i] · W1[e·H + j, i] + b1[e·H + j])}. Stage 2:
 * {@code out[r, o] = (Σ_j h[r, j] · W2[e·d + o, j] + b2[e·d + o]) · (scale · rowScale[r])}.
 *
 * <p>The per-type kernels repeat their loops on purpose: TornadoVM compiles a kernel for concrete array types and
 * cannot take the weight decoding as a parameter, so each type states its own read of a weight in its inner loop.
 */
final class ExpertKernels {
    static final int NONE = 0;
    static final int RELU = 1;
    static final int SWISH = 2;
    /** Values per q8 scale: the format's constant, inlined by javac, so the kernels see a literal. */
    static final int Q8_BLOCK = DType.Q8_BLOCK;

    private ExpertKernels() {
    }

    static float activate(float v, int activation) {
        float r = v;
        if (activation == RELU) {
            r = TornadoMath.max(v, 0f);
        } else if (activation == SWISH) {
            r = v * (1f / (1f + TornadoMath.exp(-v)));
        }
        return r;
    }

    // ---- f32

    static void hiddenF32(KernelContext kc, FloatArray x, IntArray rowExpert, IntArray rows, FloatArray w1,
                          FloatArray b1, FloatArray h, int dim, int hidden, int activation) {
        int gid = kc.globalIdx;
        if (gid < rows.get(0) * hidden) {
            int r = gid / hidden;
            int row = rowExpert.get(r) * hidden + gid % hidden;
            int xBase = r * dim;
            int wBase = row * dim;
            float acc = 0f;
            for (int i = 0; i < dim; i++) {
                acc += x.get(xBase + i) * w1.get(wBase + i);
            }
            h.set(gid, activate(acc + b1.get(row), activation));
        }
    }

    static void outputF32(KernelContext kc, FloatArray h, IntArray rowExpert, IntArray rows, FloatArray w2,
                          FloatArray b2, FloatArray rowScale, FloatArray out, int dim, int hidden, float scale) {
        int gid = kc.globalIdx;
        if (gid < rows.get(0) * dim) {
            int r = gid / dim;
            int row = rowExpert.get(r) * dim + gid % dim;
            int hBase = r * hidden;
            int wBase = row * hidden;
            float acc = 0f;
            for (int j = 0; j < hidden; j++) {
                acc += h.get(hBase + j) * w2.get(wBase + j);
            }
            out.set(gid, (acc + b2.get(row)) * (scale * rowScale.get(r)));
        }
    }

    // ---- f16: weights stay half precision on the device, products and sums in f32

    static void hiddenF16(KernelContext kc, FloatArray x, IntArray rowExpert, IntArray rows, HalfFloatArray w1,
                          FloatArray b1, FloatArray h, int dim, int hidden, int activation) {
        int gid = kc.globalIdx;
        if (gid < rows.get(0) * hidden) {
            int r = gid / hidden;
            int row = rowExpert.get(r) * hidden + gid % hidden;
            int xBase = r * dim;
            int wBase = row * dim;
            float acc = 0f;
            for (int i = 0; i < dim; i++) {
                acc += x.get(xBase + i) * w1.get(wBase + i).getFloat32();
            }
            h.set(gid, activate(acc + b1.get(row), activation));
        }
    }

    static void outputF16(KernelContext kc, FloatArray h, IntArray rowExpert, IntArray rows, HalfFloatArray w2,
                          FloatArray b2, FloatArray rowScale, FloatArray out, int dim, int hidden, float scale) {
        int gid = kc.globalIdx;
        if (gid < rows.get(0) * dim) {
            int r = gid / dim;
            int row = rowExpert.get(r) * dim + gid % dim;
            int hBase = r * hidden;
            int wBase = row * hidden;
            float acc = 0f;
            for (int j = 0; j < hidden; j++) {
                acc += h.get(hBase + j) * w2.get(wBase + j).getFloat32();
            }
            out.set(gid, (acc + b2.get(row)) * (scale * rowScale.get(r)));
        }
    }

    // ---- q8: int8 values, one f32 scale per 32 values of a row

    static void hiddenQ8(KernelContext kc, FloatArray x, IntArray rowExpert, IntArray rows, ByteArray w1,
                         FloatArray s1, FloatArray b1, FloatArray h, int dim, int hidden, int activation) {
        int gid = kc.globalIdx;
        if (gid < rows.get(0) * hidden) {
            int r = gid / hidden;
            int row = rowExpert.get(r) * hidden + gid % hidden;
            int xBase = r * dim;
            int wBase = row * dim;
            int sBase = row * ((dim + Q8_BLOCK - 1) / Q8_BLOCK);
            float acc = 0f;
            for (int i = 0; i < dim; i++) {
                acc += x.get(xBase + i) * (w1.get(wBase + i) * s1.get(sBase + i / Q8_BLOCK));
            }
            h.set(gid, activate(acc + b1.get(row), activation));
        }
    }

    static void outputQ8(KernelContext kc, FloatArray h, IntArray rowExpert, IntArray rows, ByteArray w2,
                         FloatArray s2, FloatArray b2, FloatArray rowScale, FloatArray out, int dim, int hidden,
                         float scale) {
        int gid = kc.globalIdx;
        if (gid < rows.get(0) * dim) {
            int r = gid / dim;
            int row = rowExpert.get(r) * dim + gid % dim;
            int hBase = r * hidden;
            int wBase = row * hidden;
            int sBase = row * ((hidden + Q8_BLOCK - 1) / Q8_BLOCK);
            float acc = 0f;
            for (int j = 0; j < hidden; j++) {
                acc += h.get(hBase + j) * (w2.get(wBase + j) * s2.get(sBase + j / Q8_BLOCK));
            }
            out.set(gid, (acc + b2.get(row)) * (scale * rowScale.get(r)));
        }
    }
}
