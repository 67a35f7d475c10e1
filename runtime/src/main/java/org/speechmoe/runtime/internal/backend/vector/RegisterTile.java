package org.speechmoe.runtime.internal.backend.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register tile every multiply of the vector backend runs on: rows of one operand, each element broadcast,
 * against two vectors of a panel of the other (its columns laid out contiguously per depth step). Matrix multiplies
 * (row and outer-product kernels) and attention (scores, then values) all feed it.
 */
final class RegisterTile {
    private static final VectorSpecies<Float> FS = VectorWidth.FLOATS;
    private static final int L = FS.length();
    /** Columns of a tile: two vectors. */
    static final int PR = 2 * L;
    /**
     * Rows of a tile. 12 rows use 24 of AVX-512's 32 vector registers; with 16 registers (AVX2, NEON) 6 rows fit.
     */
    static final int MR = L >= 16 ? 12 : 6;

    private RegisterTile() {
    }

    /** The widest tile the vector registers hold: {@link #tile12x2} with 32 of them, else {@link #tile6x2}. */
    static void tile(float[] b, int ba, int bStride, int bRows, float[] panels, int pa, int pStride, int depth,
                     float[] tile) {
        if (MR == 12) {
            tile12x2(b, ba, bStride, bRows, panels, pa, pStride, depth, tile);
        } else {
            tile6x2(b, ba, bStride, bRows, panels, pa, pStride, depth, tile);
        }
    }

    /**
     * The register tile every multiply here runs on: {@code tile[i·PR + c] = Σ_{k < depth} b[ba + i'·bStride + k] ·
     * panels[pa + k·pStride + c]} for {@code i < 12} ({@code i' = min(i, bRows - 1)}: a short tile repeats its last
     * row) and the {@code c < PR = 2L} columns of a panel. Each b element is broadcast against two panel vectors; 24
     * accumulators, which AVX-512's 32 vector registers hold. The row kernel broadcasts x rows against weight panels,
     * the outer-product kernel weight rows against x panels, attention queries against keys and scores against values.
     */
    private static void tile12x2(float[] b, int ba, int bStride, int bRows, float[] panels, int pa, int pStride,
                                 int depth, float[] tile) {
        FloatVector a00 = FloatVector.zero(FS), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00;
        FloatVector a30 = a00, a31 = a00, a40 = a00, a41 = a00, a50 = a00, a51 = a00;
        FloatVector a60 = a00, a61 = a00, a70 = a00, a71 = a00, a80 = a00, a81 = a00;
        FloatVector a90 = a00, a91 = a00, aa0 = a00, aa1 = a00, ab0 = a00, ab1 = a00;
        int last = bRows - 1;
        int r0 = ba;
        int r1 = ba + Math.min(1, last) * bStride;
        int r2 = ba + Math.min(2, last) * bStride;
        int r3 = ba + Math.min(3, last) * bStride;
        int r4 = ba + Math.min(4, last) * bStride;
        int r5 = ba + Math.min(5, last) * bStride;
        int r6 = ba + Math.min(6, last) * bStride;
        int r7 = ba + Math.min(7, last) * bStride;
        int r8 = ba + Math.min(8, last) * bStride;
        int r9 = ba + Math.min(9, last) * bStride;
        int ra = ba + Math.min(10, last) * bStride;
        int rb = ba + Math.min(11, last) * bStride;
        for (int k = 0, at = pa; k < depth; k++, at += pStride) {
            FloatVector w0 = FloatVector.fromArray(FS, panels, at);
            FloatVector w1 = FloatVector.fromArray(FS, panels, at + L);
            FloatVector x = FloatVector.broadcast(FS, b[r0 + k]);
            a00 = x.fma(w0, a00);
            a01 = x.fma(w1, a01);
            x = FloatVector.broadcast(FS, b[r1 + k]);
            a10 = x.fma(w0, a10);
            a11 = x.fma(w1, a11);
            x = FloatVector.broadcast(FS, b[r2 + k]);
            a20 = x.fma(w0, a20);
            a21 = x.fma(w1, a21);
            x = FloatVector.broadcast(FS, b[r3 + k]);
            a30 = x.fma(w0, a30);
            a31 = x.fma(w1, a31);
            x = FloatVector.broadcast(FS, b[r4 + k]);
            a40 = x.fma(w0, a40);
            a41 = x.fma(w1, a41);
            x = FloatVector.broadcast(FS, b[r5 + k]);
            a50 = x.fma(w0, a50);
            a51 = x.fma(w1, a51);
            x = FloatVector.broadcast(FS, b[r6 + k]);
            a60 = x.fma(w0, a60);
            a61 = x.fma(w1, a61);
            x = FloatVector.broadcast(FS, b[r7 + k]);
            a70 = x.fma(w0, a70);
            a71 = x.fma(w1, a71);
            x = FloatVector.broadcast(FS, b[r8 + k]);
            a80 = x.fma(w0, a80);
            a81 = x.fma(w1, a81);
            x = FloatVector.broadcast(FS, b[r9 + k]);
            a90 = x.fma(w0, a90);
            a91 = x.fma(w1, a91);
            x = FloatVector.broadcast(FS, b[ra + k]);
            aa0 = x.fma(w0, aa0);
            aa1 = x.fma(w1, aa1);
            x = FloatVector.broadcast(FS, b[rb + k]);
            ab0 = x.fma(w0, ab0);
            ab1 = x.fma(w1, ab1);
        }
        a00.intoArray(tile, 0);
        a01.intoArray(tile, L);
        a10.intoArray(tile, PR);
        a11.intoArray(tile, PR + L);
        a20.intoArray(tile, 2 * PR);
        a21.intoArray(tile, 2 * PR + L);
        a30.intoArray(tile, 3 * PR);
        a31.intoArray(tile, 3 * PR + L);
        a40.intoArray(tile, 4 * PR);
        a41.intoArray(tile, 4 * PR + L);
        a50.intoArray(tile, 5 * PR);
        a51.intoArray(tile, 5 * PR + L);
        a60.intoArray(tile, 6 * PR);
        a61.intoArray(tile, 6 * PR + L);
        a70.intoArray(tile, 7 * PR);
        a71.intoArray(tile, 7 * PR + L);
        a80.intoArray(tile, 8 * PR);
        a81.intoArray(tile, 8 * PR + L);
        a90.intoArray(tile, 9 * PR);
        a91.intoArray(tile, 9 * PR + L);
        aa0.intoArray(tile, 10 * PR);
        aa1.intoArray(tile, 10 * PR + L);
        ab0.intoArray(tile, 11 * PR);
        ab1.intoArray(tile, 11 * PR + L);
    }

    /** {@link #tile12x2} with 6 rows: the tile that fits 16 vector registers (AVX2, NEON). */
    private static void tile6x2(float[] b, int ba, int bStride, int bRows, float[] panels, int pa, int pStride,
                                int depth, float[] tile) {
        FloatVector a00 = FloatVector.zero(FS), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00;
        FloatVector a30 = a00, a31 = a00, a40 = a00, a41 = a00, a50 = a00, a51 = a00;
        int last = bRows - 1;
        int r0 = ba;
        int r1 = ba + Math.min(1, last) * bStride;
        int r2 = ba + Math.min(2, last) * bStride;
        int r3 = ba + Math.min(3, last) * bStride;
        int r4 = ba + Math.min(4, last) * bStride;
        int r5 = ba + Math.min(5, last) * bStride;
        for (int k = 0, at = pa; k < depth; k++, at += pStride) {
            FloatVector w0 = FloatVector.fromArray(FS, panels, at);
            FloatVector w1 = FloatVector.fromArray(FS, panels, at + L);
            FloatVector x = FloatVector.broadcast(FS, b[r0 + k]);
            a00 = x.fma(w0, a00);
            a01 = x.fma(w1, a01);
            x = FloatVector.broadcast(FS, b[r1 + k]);
            a10 = x.fma(w0, a10);
            a11 = x.fma(w1, a11);
            x = FloatVector.broadcast(FS, b[r2 + k]);
            a20 = x.fma(w0, a20);
            a21 = x.fma(w1, a21);
            x = FloatVector.broadcast(FS, b[r3 + k]);
            a30 = x.fma(w0, a30);
            a31 = x.fma(w1, a31);
            x = FloatVector.broadcast(FS, b[r4 + k]);
            a40 = x.fma(w0, a40);
            a41 = x.fma(w1, a41);
            x = FloatVector.broadcast(FS, b[r5 + k]);
            a50 = x.fma(w0, a50);
            a51 = x.fma(w1, a51);
        }
        a00.intoArray(tile, 0);
        a01.intoArray(tile, L);
        a10.intoArray(tile, PR);
        a11.intoArray(tile, PR + L);
        a20.intoArray(tile, 2 * PR);
        a21.intoArray(tile, 2 * PR + L);
        a30.intoArray(tile, 3 * PR);
        a31.intoArray(tile, 3 * PR + L);
        a40.intoArray(tile, 4 * PR);
        a41.intoArray(tile, 4 * PR + L);
        a50.intoArray(tile, 5 * PR);
        a51.intoArray(tile, 5 * PR + L);
    }

    /** {@code n} rounded up to a multiple of {@code unit}: a whole number of tiles or vectors. */
    static int roundUp(int n, int unit) {
        return Math.ceilDiv(n, unit) * unit;
    }
}
