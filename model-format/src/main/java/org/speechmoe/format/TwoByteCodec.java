package org.speechmoe.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The two-byte float types, {@link F16Codec} and {@link Bf16Codec}: a value plane of 16-bit patterns, little-endian,
 * each type with its own conversion ({@link #toBits}, {@link #fromBits}).
 */
public abstract sealed class TwoByteCodec implements WeightCodec permits F16Codec, Bf16Codec {
    /** One stored value: its 16 bits. */
    public static final ValueLayout.OfShort LAYOUT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    TwoByteCodec() {
    }

    /** This type's encoding of one value: the subclass's static {@code encode}. */
    abstract short toBits(float v);

    /** This type's decoding of one value: the subclass's static {@code decode}. */
    abstract float fromBits(short bits);

    @Override
    public final int valueBytes() {
        return 2;
    }

    @Override
    public final void encodeRows(float[] values, int rows, int cols, MemorySegment out) {
        for (int i = 0; i < values.length; i++) {
            out.setAtIndex(LAYOUT, i, toBits(values[i]));
        }
    }

    @Override
    public final void decodeRows(MemorySegment values, MemorySegment scales, long fromRow, int count, int cols,
                                 float[] out, int at) {
        long base = fromRow * cols;
        for (int i = 0; i < count * cols; i++) {
            out[at + i] = fromBits(values.getAtIndex(LAYOUT, base + i));
        }
    }
}
