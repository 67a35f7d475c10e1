package org.speechmoe.runtime.internal.backend.vector;

import java.lang.foreign.MemorySegment;
import org.speechmoe.format.F16Codec;
import org.speechmoe.runtime.spi.Matrix;

/**
 * f16 rows: a bulk copy of the bits, then the scalar definition {@link F16Codec#decode(short)} (that is,
 * {@link Float#float16ToFloat}) in a plain loop, which C2 compiles to {@code vcvtph2ps}: twice as fast as converting
 * the bits by hand with vector operations.
 */
final class F16Rows implements WeightRows {
    static final F16Rows INSTANCE = new F16Rows();

    private F16Rows() {
    }

    @Override
    public void decodeRows(Matrix w, int from, int n, float[] out) {
        int cols = w.cols();
        MemorySegment values = w.values();
        short[] halfs = new short[Math.min(cols, 1 << 14)];
        for (int r = 0; r < n; r++) {
            long base = 2L * (from + r) * cols;
            int o = r * cols;
            for (int i0 = 0; i0 < cols; i0 += halfs.length) {
                int m = Math.min(halfs.length, cols - i0);
                MemorySegment.copy(values, F16Codec.LAYOUT, base + 2L * i0, halfs, 0, m);
                halfsToFloats(halfs, m, out, o + i0);
            }
        }
    }

    static void halfsToFloats(short[] halfs, int n, float[] out, int at) {
        for (int i = 0; i < n; i++) {
            out[at + i] = F16Codec.decode(halfs[i]);
        }
    }
}
