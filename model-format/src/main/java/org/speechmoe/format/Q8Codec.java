package org.speechmoe.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * q8: block-quantized int8. Each row is cut into blocks of {@value #BLOCK} values (the last one shorter when
 * {@code cols} is not a multiple) that share one f32 scale, {@code max|x| / 127}; a value is stored as
 * {@code round_half_even(x / scale)} clamped to ±127 and decodes to {@code q × scale}.
 *
 * <p>Layout: the int8 value plane ({@code rows × cols} bytes, row-major), zero padding up to a multiple of
 * {@value SmoeLayout#ALIGNMENT} bytes, then the scale plane ({@code rows × ceil(cols / 32)} little-endian f32, row
 * {@code r}'s block {@code b} at index {@code r × ceil(cols / 32) + b}). Keeping the planes apart lets a kernel stream
 * int8 rows with wide vector loads instead of stepping over interleaved scales.
 */
public final class Q8Codec implements WeightCodec {
    /** Values that share one scale; the GPU kernels inline it through {@link DType#Q8_BLOCK}. */
    public static final int BLOCK = 32;
    /** One scale in the scale plane. */
    public static final ValueLayout.OfFloat SCALE_LAYOUT = F32Codec.LAYOUT;
    static final Q8Codec INSTANCE = new Q8Codec();

    private Q8Codec() {
    }

    /** Scale blocks in one row of {@code cols} values; the last block may be partial. */
    public static long blocksPerRow(long cols) {
        return (cols + BLOCK - 1) / BLOCK;
    }

    /** Byte offset of the scale plane: the value plane, padded. */
    public static long scalesOffset(long rows, long cols) {
        return SmoeLayout.alignUp(Math.multiplyExact(rows, cols));
    }

    /** The scale of a block: its largest magnitude maps to 127. */
    public static float scale(float maxAbs) {
        return maxAbs / 127f;
    }

    /** A value quantized with {@code scale}: round half to even, clamped to ±127 (never -128, so it is symmetric). */
    public static byte quantize(float v, float scale) {
        if (scale == 0f) {
            return 0;
        }
        float q = (float) Math.rint(v / scale);
        return (byte) Math.max(-127f, Math.min(127f, q));
    }

    public static float decode(byte q, float scale) {
        return q * scale;
    }

    @Override
    public int valueBytes() {
        return 1;
    }

    @Override
    public long scalesPerRow(long cols) {
        return blocksPerRow(cols);
    }

    @Override
    public long byteSize(long rows, long cols) {
        return Math.addExact(scalesOffset(rows, cols),
                Math.multiplyExact(Math.multiplyExact(rows, blocksPerRow(cols)), (long) Float.BYTES));
    }

    @Override
    public MemorySegment scalePlane(MemorySegment data, long rows, long cols) {
        return data.asSlice(scalesOffset(rows, cols), Float.BYTES * rows * blocksPerRow(cols));
    }

    @Override
    public void encodeRows(float[] values, int rows, int cols, MemorySegment out) {
        int blocks = (int) blocksPerRow(cols);
        long scalesAt = scalesOffset(rows, cols);
        out.asSlice(values.length, scalesAt - values.length).fill((byte) 0);
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < blocks; b++) {
                int from = r * cols + b * BLOCK;
                int to = Math.min(from + BLOCK, (r + 1) * cols);
                float maxAbs = 0f;
                for (int i = from; i < to; i++) {
                    maxAbs = Math.max(maxAbs, Math.abs(values[i]));
                }
                float scale = scale(maxAbs);
                out.set(SCALE_LAYOUT, scalesAt + Float.BYTES * ((long) r * blocks + b), scale);
                for (int i = from; i < to; i++) {
                    out.set(ValueLayout.JAVA_BYTE, i, quantize(values[i], scale));
                }
            }
        }
    }

    @Override
    public void decodeRows(MemorySegment values, MemorySegment scales, long fromRow, int count, int cols, float[] out,
                           int at) {
        long blocks = blocksPerRow(cols);
        for (int r = 0; r < count; r++) {
            long base = (fromRow + r) * cols;
            long scaleBase = (fromRow + r) * blocks;
            for (int i = 0; i < cols; i++) {
                float scale = scales.getAtIndex(SCALE_LAYOUT, scaleBase + i / BLOCK);
                out[at + r * cols + i] = decode(values.get(ValueLayout.JAVA_BYTE, base + i), scale);
            }
        }
    }
}
