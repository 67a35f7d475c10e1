package org.speechmoe.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The scalar definition of every stored type: how f32 values become bytes and back. Kernels that decode inside
 * their loops are tested against {@link #decode}.
 */
public final class TensorCodec {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private TensorCodec() {
    }

    /** IEEE binary16, round to nearest even; values beyond ±65504 become infinities. */
    public static short toF16(float v) {
        return Float.floatToFloat16(v);
    }

    public static float fromF16(short bits) {
        return Float.float16ToFloat(bits);
    }

    /** bfloat16: the top half of the f32, rounded to nearest even; NaN stays NaN. */
    public static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    public static float fromBf16(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** The scale of a q8 block: its largest magnitude maps to 127. */
    public static float q8Scale(float maxAbs) {
        return maxAbs / 127f;
    }

    /** A value quantized with {@code scale}: round half to even, clamped to ±127 (never -128, so it is symmetric). */
    public static byte q8Quantize(float v, float scale) {
        if (scale == 0f) {
            return 0;
        }
        float q = (float) Math.rint(v / scale);
        return (byte) Math.max(-127f, Math.min(127f, q));
    }

    /** Encodes f32 values (row-major, {@code shape}) into the bytes of {@code dtype}. */
    public static ByteBuffer encode(DType dtype, long[] shape, float[] values) {
        long count = Shapes.elementCount(shape);
        if (count != values.length) {
            throw new IllegalArgumentException(values.length + " values for shape " + Shapes.format(shape));
        }
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(dtype.byteSize(shape))).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case F32 -> out.asFloatBuffer().put(values);
            case F16 -> {
                for (int i = 0; i < values.length; i++) {
                    out.putShort(2 * i, toF16(values[i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < values.length; i++) {
                    out.putShort(2 * i, toBf16(values[i]));
                }
            }
            case Q8 -> encodeQ8(shape, values, out);
        }
        return out;
    }

    private static void encodeQ8(long[] shape, float[] values, ByteBuffer out) {
        int rows = Math.toIntExact(Shapes.rows(shape));
        int cols = Math.toIntExact(Shapes.cols(shape));
        int blocks = (int) DType.q8BlocksPerRow(cols);
        int scales = Math.toIntExact(DType.q8ScalesOffset(rows, cols));
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < blocks; b++) {
                int from = r * cols + b * DType.Q8_BLOCK;
                int to = Math.min(from + DType.Q8_BLOCK, (r + 1) * cols);
                float maxAbs = 0f;
                for (int i = from; i < to; i++) {
                    maxAbs = Math.max(maxAbs, Math.abs(values[i]));
                }
                float scale = q8Scale(maxAbs);
                out.putFloat(scales + 4 * (r * blocks + b), scale);
                for (int i = from; i < to; i++) {
                    out.put(i, q8Quantize(values[i], scale));
                }
            }
        }
    }

    /** Decodes a tensor's bytes to f32 values: the definition every kernel must agree with. */
    public static float[] decode(DType dtype, long[] shape, MemorySegment data) {
        int count = Math.toIntExact(Shapes.elementCount(shape));
        float[] out = new float[count];
        switch (dtype) {
            case F32 -> MemorySegment.copy(data, F32, 0, out, 0, count);
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = fromF16(data.get(U16, 2L * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    out[i] = fromBf16(data.get(U16, 2L * i));
                }
            }
            case Q8 -> {
                long rows = Shapes.rows(shape);
                long cols = Shapes.cols(shape);
                long blocks = DType.q8BlocksPerRow(cols);
                long scales = DType.q8ScalesOffset(rows, cols);
                for (int i = 0; i < count; i++) {
                    long r = i / cols;
                    long b = (i % cols) / DType.Q8_BLOCK;
                    float scale = data.get(F32, scales + 4 * (r * blocks + b));
                    out[i] = data.get(ValueLayout.JAVA_BYTE, i) * scale;
                }
            }
        }
        return out;
    }

    public static float[] decode(TensorInfo info, MemorySegment data) {
        return decode(info.dtype(), info.shape(), data);
    }
}
