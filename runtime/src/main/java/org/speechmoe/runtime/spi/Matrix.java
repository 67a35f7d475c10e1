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
 * @param dtype  the stored type
 * @param rows   output rows
 * @param cols   inputs, the stored tensor's last dimension
 * @param values the value plane: the f32/f16/bf16 elements or the q8 int8 values, row-major
 * @param scales the scale plane (q8: f32, {@code ceil(cols/32)} per row), null for the types without one
 */
public record Matrix(DType dtype, int rows, int cols, MemorySegment values, MemorySegment scales) {
    /**
     * A view of a stored tensor whose last dimension is {@code cols}.
     *
     * @param dtype its stored type
     * @param rows  the product of its leading dimensions
     * @param cols  its last dimension
     * @param data  its bytes, as the type's codec lays them out
     * @return the matrix over {@code data}
     * @throws ArithmeticException when a dimension does not fit in an int
     */
    public static Matrix of(DType dtype, long rows, long cols, MemorySegment data) {
        WeightCodec codec = dtype.codec();
        return new Matrix(dtype, Math.toIntExact(rows), Math.toIntExact(cols), codec.valuePlane(data, rows, cols),
                codec.scalePlane(data, rows, cols));
    }

    /**
     * A matrix over heap floats, for tests and small computed weights.
     *
     * @param rows   output rows
     * @param cols   inputs
     * @param values {@code rows × cols} floats, row-major (not copied)
     * @return an f32 matrix over {@code values}
     * @throws IllegalArgumentException when the count does not match
     */
    public static Matrix ofFloats(int rows, int cols, float[] values) {
        if (values.length != rows * cols) {
            throw new IllegalArgumentException(values.length + " values for " + rows + "x" + cols);
        }
        return new Matrix(DType.F32, rows, cols, MemorySegment.ofArray(values), null);
    }

    /**
     * q8 scale blocks in a row, whatever the type.
     *
     * @return {@code ceil(cols / 32)}
     */
    public int blocksPerRow() {
        return (int) Q8Codec.blocksPerRow(cols);
    }

    /**
     * Rows {@code [from, from + count)}: one expert's matrix out of the stacked {@code [E, out, in]} tensor.
     *
     * @param from  the first row
     * @param count how many rows
     * @return a view of those rows
     * @throws IndexOutOfBoundsException when they are not all in the matrix
     */
    public Matrix rows(int from, int count) {
        WeightCodec codec = dtype.codec();
        long rowBytes = (long) cols * codec.valueBytes();
        long rowScaleBytes = Float.BYTES * codec.scalesPerRow(cols);
        MemorySegment v = values.asSlice(from * rowBytes, count * rowBytes);
        MemorySegment s = scales == null ? null : scales.asSlice(from * rowScaleBytes, count * rowScaleBytes);
        return new Matrix(dtype, count, cols, v, s);
    }

    /**
     * Decodes row {@code r} into {@code out[0, cols)}: the scalar definition every kernel agrees with.
     *
     * @param r   the row
     * @param out at least {@code cols} floats
     */
    public void decodeRow(int r, float[] out) {
        dtype.codec().decodeRows(values, scales, r, 1, cols, out, 0);
    }
}
