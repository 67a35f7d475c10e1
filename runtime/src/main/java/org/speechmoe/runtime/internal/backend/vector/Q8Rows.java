package org.speechmoe.runtime.internal.backend.vector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.speechmoe.format.Q8Codec;
import org.speechmoe.runtime.spi.Matrix;

/**
 * q8 rows: L int8 values at a time converted to floats and multiplied by their block's scale (a vector never spans
 * two blocks, since L divides {@link Q8Codec#BLOCK}), the tail with the scalar definition
 * {@link Q8Codec#decode(byte, float)}. The conversion is exact and the product the same IEEE multiply, so the two agree
 * bit for bit.
 */
final class Q8Rows implements WeightRows {
    static final Q8Rows INSTANCE = new Q8Rows();
    private static final VectorSpecies<Float> FS = VectorWidth.FLOATS;
    private static final int L = FS.length();
    /** L bytes: the raw q8 weights of one float vector (none below 64 bits, the smallest vector shape). */
    private static final VectorSpecies<Byte> BS = L * 8 >= 64
            ? VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8)) : null;

    private Q8Rows() {
    }

    @Override
    public void decodeRows(Matrix w, int from, int n, float[] out) {
        MemorySegment values = w.values();
        if (BS == null || Q8Codec.BLOCK % L != 0 || !WeightRows.vectorReadable(values)) {
            WeightRows.decodeScalar(w, from, n, out);
            return;
        }
        int cols = w.cols();
        MemorySegment scales = w.scales();
        long blocksPerRow = Q8Codec.blocksPerRow(cols);
        int bound = FS.loopBound(cols);
        for (int r = 0; r < n; r++) {
            long base = (long) (from + r) * cols;
            long scaleBase = (from + r) * blocksPerRow;
            int o = r * cols;
            for (int i = 0; i < bound; i += L) {
                float scale = scales.getAtIndex(Q8Codec.SCALE_LAYOUT, scaleBase + i / Q8Codec.BLOCK);
                ((FloatVector) ByteVector.fromMemorySegment(BS, values, base + i, ByteOrder.LITTLE_ENDIAN)
                        .convertShape(VectorOperators.B2F, FS, 0)).mul(scale).intoArray(out, o + i);
            }
            for (int i = bound; i < cols; i++) {
                float scale = scales.getAtIndex(Q8Codec.SCALE_LAYOUT, scaleBase + i / Q8Codec.BLOCK);
                out[o + i] = Q8Codec.decode(values.get(ValueLayout.JAVA_BYTE, base + i), scale);
            }
        }
    }
}
