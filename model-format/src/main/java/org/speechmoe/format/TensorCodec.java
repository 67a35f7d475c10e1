package org.speechmoe.format;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Whole tensors to bytes and back, through their type's {@link WeightCodec} (the definition of every stored type).
 * Kernels that decode inside their loops are tested against {@link #decode} and {@link WeightCodec#decodeRows}.
 */
public final class TensorCodec {
    private TensorCodec() {
    }

    /** Encodes f32 values (row-major, {@code shape}) into the bytes of {@code dtype}. */
    public static ByteBuffer encode(DType dtype, long[] shape, float[] values) {
        long count = Shapes.elementCount(shape);
        if (count != values.length) {
            throw new IllegalArgumentException(values.length + " values for shape " + Shapes.format(shape));
        }
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(dtype.byteSize(shape))).order(ByteOrder.LITTLE_ENDIAN);
        if (count > 0) {
            int cols = Math.toIntExact(Shapes.cols(shape));
            dtype.codec().encodeRows(values, values.length / cols, cols, MemorySegment.ofBuffer(out));
        }
        return out;
    }

    /** Decodes a tensor's bytes to f32 values: the definition every kernel must agree with. */
    public static float[] decode(DType dtype, long[] shape, MemorySegment data) {
        int count = Math.toIntExact(Shapes.elementCount(shape));
        float[] out = new float[count];
        if (count > 0) {
            long rows = Shapes.rows(shape);
            long cols = Shapes.cols(shape);
            WeightCodec codec = dtype.codec();
            codec.decodeRows(codec.valuePlane(data, rows, cols), codec.scalePlane(data, rows, cols), 0,
                    (int) rows, (int) cols, out, 0);
        }
        return out;
    }

    public static float[] decode(TensorInfo info, MemorySegment data) {
        return decode(info.dtype(), info.shape(), data);
    }
}
