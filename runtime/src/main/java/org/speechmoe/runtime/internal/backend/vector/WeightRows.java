package org.speechmoe.runtime.internal.backend.vector;

import java.lang.foreign.MemorySegment;
import org.speechmoe.format.DType;
import org.speechmoe.runtime.spi.Matrix;

/**
 * The vector backend's weight decoding, one implementation per stored type, each beside the scalar definition it
 * must equal bit for bit: {@link F32Rows}, {@link F16Rows}, {@link Bf16Rows}, {@link Q8Rows}. The scalar definitions
 * are the types' codecs in model-format ({@link DType#codec()}); {@code WeightRowsProperties} checks every type
 * against them. {@link #of} is the backend's one switch over the stored types.
 */
sealed interface WeightRows permits F32Rows, F16Rows, Bf16Rows, Q8Rows {
    /** Decodes rows {@code [from, from + n)} of {@code w} into {@code out[0, n·cols)}. */
    void decodeRows(Matrix w, int from, int n, float[] out);

    /** The vector decoder of a type; a type without one does not compile. */
    static WeightRows of(DType dtype) {
        return switch (dtype) {
            case F32 -> F32Rows.INSTANCE;
            case F16 -> F16Rows.INSTANCE;
            case BF16 -> Bf16Rows.INSTANCE;
            case Q8 -> Q8Rows.INSTANCE;
        };
    }

    /** Decodes rows {@code [from, from + n)} into {@code out[0, n·cols)}, exactly as {@link Matrix#decodeRow}. */
    static void decode(Matrix w, int from, int n, float[] out) {
        of(w.dtype()).decodeRows(w, from, n, out);
    }

    /** The scalar definition, for memory the vector loads cannot read. */
    static void decodeScalar(Matrix w, int from, int n, float[] out) {
        w.dtype().codec().decodeRows(w.values(), w.scales(), from, n, w.cols(), out, 0);
    }

    /** Whether vector loads can read {@code s}: native memory, or a heap segment over a byte[]. */
    static boolean vectorReadable(MemorySegment s) {
        return s.isNative() || s.heapBase().map(b -> b instanceof byte[]).orElse(false);
    }
}
