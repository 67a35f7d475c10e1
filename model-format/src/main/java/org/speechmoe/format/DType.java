package org.speechmoe.format;

/**
 * Element types a tensor may be stored in. The codes are part of the file format and never change.
 *
 * <p>{@link #Q8} is block-quantized int8: each row (the last dimension) is cut into blocks of
 * {@value #Q8_BLOCK} values that share one f32 scale. The tensor's bytes are the int8 plane
 * ({@code rows * cols} bytes, row-major), zero padding to a multiple of 64, then the scale plane
 * ({@code rows * ceil(cols / 32)} little-endian f32). Keeping the planes apart lets a kernel stream
 * int8 rows with wide vector loads instead of stepping over interleaved scales.
 */
public enum DType {
    F32(0, "f32"),
    F16(1, "f16"),
    BF16(2, "bf16"),
    Q8(3, "q8");

    /** Values that share one scale in a {@link #Q8} row. */
    public static final int Q8_BLOCK = 32;

    private final int code;
    private final String label;

    DType(int code, String label) {
        this.code = code;
        this.label = label;
    }

    public int code() {
        return code;
    }

    /** The lower-case name used on the command line and in listings: f32, f16, bf16, q8. */
    public String label() {
        return label;
    }

    /** The type with this file code, or null when the code is unknown. */
    public static DType fromCode(int code) {
        for (DType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    /** The type with this label (case-insensitive), or null. */
    public static DType fromLabel(String label) {
        for (DType t : values()) {
            if (t.label.equalsIgnoreCase(label)) {
                return t;
            }
        }
        return null;
    }

    /**
     * Bytes a tensor of this type and shape occupies.
     *
     * @throws ArithmeticException when the size does not fit in a long
     */
    public long byteSize(long[] shape) {
        long count = Shapes.elementCount(shape);
        return switch (this) {
            case F32 -> Math.multiplyExact(count, 4L);
            case F16, BF16 -> Math.multiplyExact(count, 2L);
            case Q8 -> {
                long cols = Shapes.cols(shape);
                long rows = Shapes.rows(shape);
                yield Math.addExact(q8ScalesOffset(rows, cols),
                        Math.multiplyExact(Math.multiplyExact(rows, q8BlocksPerRow(cols)), 4L));
            }
        };
    }

    /** Number of scale blocks in one row of {@code cols} values; the last block may be partial. */
    public static long q8BlocksPerRow(long cols) {
        return (cols + Q8_BLOCK - 1) / Q8_BLOCK;
    }

    /** Byte offset of the scale plane inside a {@link #Q8} tensor. */
    public static long q8ScalesOffset(long rows, long cols) {
        return SmoeLayout.alignUp(Math.multiplyExact(rows, cols));
    }
}
