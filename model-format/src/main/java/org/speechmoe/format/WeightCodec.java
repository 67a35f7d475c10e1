package org.speechmoe.format;

import java.lang.foreign.MemorySegment;

/**
 * The complete definition of one stored type: its byte layout, its scalar encoding and its scalar decoding, which is
 * the specification every kernel is tested against. There is exactly one per {@link DType}, reached through
 * {@link DType#codec()}: a {@code DType} constant cannot be declared without one (the enum's only constructor takes
 * it), and this interface is sealed, so the compiler knows every type.
 *
 * <p><b>Layout.</b> A tensor of shape {@code [..., cols]} is {@code rows} rows of {@code cols} values, {@code rows}
 * being the product of the other dimensions. Its bytes start with the <em>value plane</em>: {@code rows × cols} values
 * of {@link #valueBytes()} bytes each, row-major, little-endian. A type with scales ({@link Q8Codec}) follows it with
 * zero padding and a <em>scale plane</em> of {@link #scalesPerRow} f32 values a row; the other types have nothing
 * else, and the defaults below describe them. A {@code Matrix} in the runtime holds the two planes apart, as
 * {@link #valuePlane} and {@link #scalePlane} cut them.
 *
 * <p><b>Design.</b> One small final class per type (rather than per-constant bodies on {@code DType}; f16 and bf16
 * share their two-byte plane through {@link TwoByteCodec}) so that each type reads as one file, and so that the
 * runtime's vector decoders, also one per type, call the element functions
 * ({@link F16Codec#decode(short)}, {@link Bf16Codec#decode(short)}, {@link Q8Codec#decode(byte, float)}) statically in
 * their loop tails. Code that must branch on the type switches on {@link DType} with switch expressions and no
 * default, so a new type that is not handled everywhere does not compile.
 */
public sealed interface WeightCodec permits F32Codec, TwoByteCodec, Q8Codec {
    /** Bytes of one value in the value plane. */
    int valueBytes();

    /** f32 scales a row in the scale plane; 0 for a type without one. */
    default long scalesPerRow(long cols) {
        return 0;
    }

    /**
     * Bytes a tensor of {@code rows × cols} values occupies.
     *
     * @throws ArithmeticException when the size does not fit in a long
     */
    default long byteSize(long rows, long cols) {
        return Math.multiplyExact(Math.multiplyExact(rows, cols), valueBytes());
    }

    /** The value plane of a stored tensor's bytes. */
    default MemorySegment valuePlane(MemorySegment data, long rows, long cols) {
        return data.asSlice(0, Math.multiplyExact(Math.multiplyExact(rows, cols), valueBytes()));
    }

    /** The scale plane of a stored tensor's bytes, or null for a type without one. */
    default MemorySegment scalePlane(MemorySegment data, long rows, long cols) {
        return null;
    }

    /**
     * Encodes {@code rows × cols} values (row-major, {@code values.length == rows * cols}, at least one) into
     * {@code out[0, byteSize(rows, cols))}, every byte of it, padding included.
     */
    void encodeRows(float[] values, int rows, int cols, MemorySegment out);

    /**
     * The specification: decodes rows {@code [fromRow, fromRow + count)} of a tensor's planes (as {@link #valuePlane}
     * and {@link #scalePlane} cut them, or the same rows of a larger tensor) into
     * {@code out[at, at + count·cols)}.
     */
    void decodeRows(MemorySegment values, MemorySegment scales, long fromRow, int count, int cols, float[] out,
                    int at);
}
