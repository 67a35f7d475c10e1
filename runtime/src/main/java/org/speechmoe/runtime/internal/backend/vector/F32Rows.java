package org.speechmoe.runtime.internal.backend.vector;

import org.speechmoe.format.F32Codec;
import org.speechmoe.runtime.spi.Matrix;

/** f32 rows: the scalar definition ({@link F32Codec}, a bulk copy) is already the fastest decode. */
final class F32Rows implements WeightRows {
    static final F32Rows INSTANCE = new F32Rows();

    private F32Rows() {
    }

    @Override
    public void decodeRows(Matrix w, int from, int n, float[] out) {
        WeightRows.decodeScalar(w, from, n, out);
    }
}
