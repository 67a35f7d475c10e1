package org.speechmoe.runtime.internal.backend.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot products of x rows against decoded weight rows, for multiplies with too few rows to repay packing x into
 * panels: summed lane-wise over the depth, each reduced once ({@link VectorMath#sum}) at the end of its tile.
 */
final class DotKernels {
    private static final VectorSpecies<Float> FS = VectorWidth.FLOATS;
    private static final int L = FS.length();

    private DotKernels() {
    }

    /**
     * {@code dots[d + i·stride + j] = Σ x[xa + i·in + k] · block[wa + j·in + k]} for 4 x rows i and 3 weight rows j.
     */
    static void kernel4x3(float[] x, int xa, int in, float[] block, int wa, float[] dots, int d,
                                  int stride) {
        FloatVector a00 = FloatVector.zero(FS), a01 = a00, a02 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00;
        int x0 = xa, x1 = x0 + in, x2 = x1 + in, x3 = x2 + in;
        int w0 = wa, w1 = w0 + in, w2 = w1 + in;
        int bound = FS.loopBound(in);
        for (int k = 0; k < bound; k += L) {
            FloatVector b0 = FloatVector.fromArray(FS, block, w0 + k);
            FloatVector b1 = FloatVector.fromArray(FS, block, w1 + k);
            FloatVector b2 = FloatVector.fromArray(FS, block, w2 + k);
            FloatVector v = FloatVector.fromArray(FS, x, x0 + k);
            a00 = v.fma(b0, a00);
            a01 = v.fma(b1, a01);
            a02 = v.fma(b2, a02);
            v = FloatVector.fromArray(FS, x, x1 + k);
            a10 = v.fma(b0, a10);
            a11 = v.fma(b1, a11);
            a12 = v.fma(b2, a12);
            v = FloatVector.fromArray(FS, x, x2 + k);
            a20 = v.fma(b0, a20);
            a21 = v.fma(b1, a21);
            a22 = v.fma(b2, a22);
            v = FloatVector.fromArray(FS, x, x3 + k);
            a30 = v.fma(b0, a30);
            a31 = v.fma(b1, a31);
            a32 = v.fma(b2, a32);
        }
        float s00 = VectorMath.sum(a00), s01 = VectorMath.sum(a01);
        float s02 = VectorMath.sum(a02), s10 = VectorMath.sum(a10);
        float s11 = VectorMath.sum(a11), s12 = VectorMath.sum(a12);
        float s20 = VectorMath.sum(a20), s21 = VectorMath.sum(a21);
        float s22 = VectorMath.sum(a22), s30 = VectorMath.sum(a30);
        float s31 = VectorMath.sum(a31), s32 = VectorMath.sum(a32);
        for (int k = bound; k < in; k++) {
            float b0 = block[w0 + k], b1 = block[w1 + k], b2 = block[w2 + k];
            float v = x[x0 + k];
            s00 += v * b0;
            s01 += v * b1;
            s02 += v * b2;
            v = x[x1 + k];
            s10 += v * b0;
            s11 += v * b1;
            s12 += v * b2;
            v = x[x2 + k];
            s20 += v * b0;
            s21 += v * b1;
            s22 += v * b2;
            v = x[x3 + k];
            s30 += v * b0;
            s31 += v * b1;
            s32 += v * b2;
        }
        int d1 = d + stride, d2 = d1 + stride, d3 = d2 + stride;
        dots[d] = s00;
        dots[d + 1] = s01;
        dots[d + 2] = s02;
        dots[d1] = s10;
        dots[d1 + 1] = s11;
        dots[d1 + 2] = s12;
        dots[d2] = s20;
        dots[d2 + 1] = s21;
        dots[d2 + 2] = s22;
        dots[d3] = s30;
        dots[d3 + 1] = s31;
        dots[d3 + 2] = s32;
    }

    /** One x row against 3 weight rows: the rows left over after the 4-row tiles. */
    static void kernel1x3(float[] x, int xa, int in, float[] block, int wa, float[] dots, int d) {
        FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0;
        int w0 = wa, w1 = w0 + in, w2 = w1 + in;
        int bound = FS.loopBound(in);
        for (int k = 0; k < bound; k += L) {
            FloatVector v = FloatVector.fromArray(FS, x, xa + k);
            a0 = v.fma(FloatVector.fromArray(FS, block, w0 + k), a0);
            a1 = v.fma(FloatVector.fromArray(FS, block, w1 + k), a1);
            a2 = v.fma(FloatVector.fromArray(FS, block, w2 + k), a2);
        }
        float s0 = VectorMath.sum(a0);
        float s1 = VectorMath.sum(a1);
        float s2 = VectorMath.sum(a2);
        for (int k = bound; k < in; k++) {
            float v = x[xa + k];
            s0 += v * block[w0 + k];
            s1 += v * block[w1 + k];
            s2 += v * block[w2 + k];
        }
        dots[d] = s0;
        dots[d + 1] = s1;
        dots[d + 2] = s2;
    }
}
