package org.speechmoe.converter.checkpoint;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;

/**
 * Element types a checkpoint may store. The constant names are the safetensors dtype names; each also knows the name
 * of its PyTorch typed-storage class, which is what a torch zip checkpoint records for a tensor's storage.
 */
public enum SourceDType {
    F64(8, "float64", "DoubleStorage"),
    F32(4, "float32", "FloatStorage"),
    F16(2, "float16", "HalfStorage"),
    BF16(2, "bfloat16", "BFloat16Storage"),
    I64(8, "int64", "LongStorage"),
    I32(4, "int32", "IntStorage"),
    I16(2, "int16", "ShortStorage"),
    I8(1, "int8", "CharStorage"),
    U8(1, "uint8", "ByteStorage"),
    BOOL(1, "bool", "BoolStorage");

    // Unaligned: heap segments over byte[] only guarantee byte alignment.
    private static final ValueLayout.OfDouble F64_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final int byteSize;
    private final String torchName;
    private final String torchStorageClass;

    SourceDType(int byteSize, String torchName, String torchStorageClass) {
        this.byteSize = byteSize;
        this.torchName = torchName;
        this.torchStorageClass = torchStorageClass;
    }

    /** Whether the type holds real numbers (weights), as opposed to integers, bytes or flags. */
    public boolean isFloatingPoint() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    public int byteSize() {
        return byteSize;
    }

    /** The name PyTorch gives this dtype, e.g. {@code float16} for {@code torch.float16}. */
    public String torchName() {
        return torchName;
    }

    /** The fully qualified storage class, e.g. {@code torch.HalfStorage}. */
    public String torchStorageClass() {
        return "torch." + torchStorageClass;
    }

    public static Optional<SourceDType> fromSafetensors(String name) {
        return Arrays.stream(values()).filter(t -> t.name().equals(name)).findFirst();
    }

    public static Optional<SourceDType> fromTorchStorageClass(String qualifiedName) {
        return Arrays.stream(values()).filter(t -> t.torchStorageClass().equals(qualifiedName)).findFirst();
    }

    /** The little-endian element at {@code byteOffset}, widened or rounded to float. */
    float decode(MemorySegment bytes, long byteOffset) {
        return switch (this) {
            case F64 -> (float) bytes.get(F64_LE, byteOffset);
            case F32 -> bytes.get(F32_LE, byteOffset);
            case F16 -> Float.float16ToFloat(bytes.get(I16_LE, byteOffset));
            case BF16 -> Float.intBitsToFloat((bytes.get(I16_LE, byteOffset) & 0xffff) << 16);
            case I64 -> (float) bytes.get(I64_LE, byteOffset);
            case I32 -> (float) bytes.get(I32_LE, byteOffset);
            case I16 -> bytes.get(I16_LE, byteOffset);
            case I8 -> bytes.get(ValueLayout.JAVA_BYTE, byteOffset);
            case U8 -> bytes.get(ValueLayout.JAVA_BYTE, byteOffset) & 0xff;
            case BOOL -> bytes.get(ValueLayout.JAVA_BYTE, byteOffset) != 0 ? 1f : 0f;
        };
    }
}
