package org.speechmoe.runtime.internal.backend.vector;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.speechmoe.format.Bf16Codec;
import org.speechmoe.runtime.spi.Matrix;

/**
 * bf16 rows: L bits at a time widened to ints and shifted into the high half ({@link #bf16}), the tail with the
 * scalar definition {@link Bf16Codec#decode(short)}, which does the same to one value.
 */
final class Bf16Rows implements WeightRows {
    static final Bf16Rows INSTANCE = new Bf16Rows();
    private static final VectorSpecies<Float> FS = VectorWidth.FLOATS;
    private static final int L = FS.length();
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, FS.vectorShape());
    /** L shorts: the raw bf16 weights of one float vector. */
    private static final VectorSpecies<Short> SS = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));

    private Bf16Rows() {
    }

    @Override
    public void decodeRows(Matrix w, int from, int n, float[] out) {
        int cols = w.cols();
        MemorySegment values = w.values();
        if (!WeightRows.vectorReadable(values)) {
            WeightRows.decodeScalar(w, from, n, out);
            return;
        }
        int bound = SS.loopBound(cols);
        for (int r = 0; r < n; r++) {
            long base = 2L * (from + r) * cols;
            int o = r * cols;
            for (int i = 0; i < bound; i += L) {
                bf16(ShortVector.fromMemorySegment(SS, values, base + 2L * i, ByteOrder.LITTLE_ENDIAN))
                        .intoArray(out, o + i);
            }
            for (int i = bound; i < cols; i++) {
                out[o + i] = Bf16Codec.decode(values.get(Bf16Codec.LAYOUT, base + 2L * i));
            }
        }
    }

    /** bfloat16 → float: the bits become the high half. */
    static FloatVector bf16(ShortVector h) {
        return ((IntVector) h.convertShape(VectorOperators.S2I, IS, 0)).lanewise(VectorOperators.LSHL, 16)
                .reinterpretAsFloats();
    }
}
