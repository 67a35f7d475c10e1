package org.speechmoe.runtime.spi;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.speechmoe.format.DType;
import org.speechmoe.format.TensorCodec;

/**
 * A weight matrix read in place from the memory-mapped model: {@code rows} output rows of {@code cols} inputs, in its
 * stored type. Kernels decode f16/bf16/q8 inside their loops; nothing is expanded to a heap copy.
 *
 * @param values the f32/f16/bf16 elements or the q8 int8 plane, row-major
 * @param scales the q8 scale plane (f32, {@code ceil(cols/32)} per row), null for the other types
 */
public record Matrix(DType dtype, int rows, int cols, MemorySegment values, MemorySegment scales) {
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** A view of a stored tensor whose last dimension is {@code cols}. */
    public static Matrix of(DType dtype, long rows, long cols, MemorySegment data) {
        int r = Math.toIntExact(rows);
        int c = Math.toIntExact(cols);
        if (dtype == DType.Q8) {
            long scalesAt = DType.q8ScalesOffset(rows, cols);
            return new Matrix(dtype, r, c, data.asSlice(0, rows * cols),
                    data.asSlice(scalesAt, 4 * rows * DType.q8BlocksPerRow(cols)));
        }
        return new Matrix(dtype, r, c, data, null);
    }

    /** A matrix over heap floats, for tests and small computed weights. */
    public static Matrix ofFloats(int rows, int cols, float[] values) {
        if (values.length != rows * cols) {
            throw new IllegalArgumentException(values.length + " values for " + rows + "x" + cols);
        }
        return new Matrix(DType.F32, rows, cols, MemorySegment.ofArray(values), null);
    }

    public int blocksPerRow() {
        return (int) DType.q8BlocksPerRow(cols);
    }

    /** Rows {@code [from, from + count)}: one expert's matrix out of the stacked {@code [E, out, in]} tensor. */
    public Matrix rows(int from, int count) {
        long rowBytes = switch (dtype) {
            case F32 -> 4L * cols;
            case F16, BF16 -> 2L * cols;
            case Q8 -> cols;
        };
        MemorySegment v = values.asSlice(from * rowBytes, count * rowBytes);
        MemorySegment s = scales == null ? null : scales.asSlice(4L * from * blocksPerRow(), 4L * count * blocksPerRow());
        return new Matrix(dtype, count, cols, v, s);
    }

    /** Decodes row {@code r} into {@code out[0, cols)}: the scalar definition every kernel agrees with. */
    public void decodeRow(int r, float[] out) {
        long base = (long) r * cols;
        switch (dtype) {
            case F32 -> MemorySegment.copy(values, F32, 4 * base, out, 0, cols);
            case F16 -> {
                for (int i = 0; i < cols; i++) {
                    out[i] = TensorCodec.fromF16(values.get(U16, 2 * (base + i)));
                }
            }
            case BF16 -> {
                for (int i = 0; i < cols; i++) {
                    out[i] = TensorCodec.fromBf16(values.get(U16, 2 * (base + i)));
                }
            }
            case Q8 -> {
                long scaleBase = (long) r * blocksPerRow();
                for (int i = 0; i < cols; i++) {
                    float scale = scales.getAtIndex(F32, scaleBase + i / DType.Q8_BLOCK);
                    out[i] = values.get(ValueLayout.JAVA_BYTE, base + i) * scale;
                }
            }
        }
    }
}
