package org.speechmoe.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** f32: IEEE binary32, little-endian, 4 bytes a value; decoding is a copy. */
public final class F32Codec implements WeightCodec {
    /** One stored value; also the layout of {@link Q8Codec}'s scales. */
    public static final ValueLayout.OfFloat LAYOUT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final F32Codec INSTANCE = new F32Codec();

    private F32Codec() {
    }

    @Override
    public int valueBytes() {
        return 4;
    }

    @Override
    public void encodeRows(float[] values, int rows, int cols, MemorySegment out) {
        MemorySegment.copy(values, 0, out, LAYOUT, 0, values.length);
    }

    @Override
    public void decodeRows(MemorySegment values, MemorySegment scales, long fromRow, int count, int cols, float[] out,
                           int at) {
        MemorySegment.copy(values, LAYOUT, 4 * fromRow * cols, out, at, count * cols);
    }
}
