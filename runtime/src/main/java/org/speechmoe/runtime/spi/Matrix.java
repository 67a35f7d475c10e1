package org.speechmoe.runtime.spi;

import java.lang.foreign.MemorySegment;
import org.speechmoe.format.DType;
import org.speechmoe.format.Q8Codec;
import org.speechmoe.format.WeightCodec;

/**
 * A weight matrix read in place from the memory-mapped model: {@code rows} output rows of {@code cols} inputs, in its
 * stored type. Kernels decode f16/bf16/q8 inside their loops; nothing is expanded to a heap copy. The layout and the
 * scalar decoding are the type's {@link DType#codec() codec}; this record only holds the two planes it cuts.
 *
 * @param values the value plane: the f32/f16/bf16 elements or the q8 int8 values, row-major
 * @param scales the scale plane (q8: f32, {@code ceil(cols/32)} per row), null for the types without one
 */
public record Matrix(DType dtype, int rows, int cols, MemorySegment values, MemorySegment scales) {
    /** A view of a stored tensor whose last dimension is {@code cols}. */
    public static Matrix of(DType dtype, long rows, long cols, MemorySegment data) {
        WeightCodec codec = dtype.codec();
        return new Matrix(dtype, Math.toIntExact(rows), Math.toIntExact(cols), codec.valuePlane(data, rows, cols),
                codec.scalePlane(data, rows, cols));
    }

    /** A matrix over heap floats, for tests and small computed weights. */
    public static Matrix ofFloats(int rows, int cols, float[] values) {
        if (values.length != rows * cols) {
            throw new IllegalArgumentException(values.length + " values for " + rows + "x" + cols);
        }
        return new Matrix(DType.F32, rows, cols, MemorySegment.ofArray(values), null);
    }

    /** q8 scale blocks in a row: {@code ceil(cols / 32)} (whatever the type). */
    public int blocksPerRow() {
        return (int) Q8Codec.blocksPerRow(cols);
    }

    /** Rows {@code [from, from + count)}: one expert's matrix out of the stacked {@code [E, out, in]} tensor. */
    public Matrix rows(int from, int count) {
        WeightCodec codec = dtype.codec();
        long rowBytes = (long) cols * codec.valueBytes();
        long rowScaleBytes = Float.BYTES * codec.scalesPerRow(cols);
        MemorySegment v = values.asSlice(from * rowBytes, count * rowBytes);
        MemorySegment s = scales == null ? null : scales.asSlice(from * rowScaleBytes, count * rowScaleBytes);
        return new Matrix(dtype, count, cols, v, s);
    }

    /** Decodes row {@code r} into {@code out[0, cols)}: the scalar definition every kernel agrees with. */
    public void decodeRow(int r, float[] out) {
        dtype.codec().decodeRows(values, scales, r, 1, cols, out, 0);
    }
}
