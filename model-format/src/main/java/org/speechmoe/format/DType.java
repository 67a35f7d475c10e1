package org.speechmoe.format;

import java.util.Arrays;
import java.util.List;

/**
 * Element types a tensor may be stored in. The codes are part of the file format and never change. Each type's
 * layout, encoding and decoding are its {@link #codec()}: {@link F32Codec}, {@link F16Codec}, {@link Bf16Codec},
 * {@link Q8Codec} (block-quantized int8, {@value #Q8_BLOCK} values a scale).
 */
public enum DType {
    F32(0, "f32", F32Codec.INSTANCE),
    F16(1, "f16", F16Codec.INSTANCE),
    BF16(2, "bf16", Bf16Codec.INSTANCE),
    Q8(3, "q8", Q8Codec.INSTANCE);

    /**
     * Values that share one scale in a {@link #Q8} row: {@link Q8Codec#BLOCK}, repeated here as a compile-time
     * constant for code that must inline it (the GPU kernels cannot call methods).
     */
    public static final int Q8_BLOCK = Q8Codec.BLOCK;

    private final int code;
    private final String label;
    private final WeightCodec codec;

    DType(int code, String label, WeightCodec codec) {
        this.code = code;
        this.label = label;
        this.codec = codec;
    }

    public int code() {
        return code;
    }

    /** The lower-case name used on the command line and in listings: f32, f16, bf16, q8. */
    public String label() {
        return label;
    }

    /** Every type's {@link #label()}, in code order. */
    public static List<String> labels() {
        return Arrays.stream(values()).map(DType::label).toList();
    }

    /** This type's layout, scalar encoding and scalar decoding. */
    public WeightCodec codec() {
        return codec;
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
        return codec.byteSize(Shapes.rows(shape), Shapes.cols(shape));
    }
}
