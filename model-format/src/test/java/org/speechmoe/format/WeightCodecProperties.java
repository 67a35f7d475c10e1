package org.speechmoe.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Every {@link DType} has a codec, and the layout it states is exactly the bytes its encoder writes. */
class WeightCodecProperties {
    @Example
    void everyTypeHasItsOwnCodecCodeAndLabel() {
        Set<WeightCodec> codecs = new HashSet<>();
        Set<Integer> codes = new HashSet<>();
        for (DType t : DType.values()) {
            assertNotNull(t.codec(), t.name());
            codecs.add(t.codec());
            codes.add(t.code());
            assertSame(t, DType.fromCode(t.code()));
            assertSame(t, DType.fromLabel(t.label()));
            assertEquals(t.label(), DType.labels().get(t.ordinal()));
        }
        assertEquals(DType.values().length, codecs.size());
        assertEquals(DType.values().length, codes.size());
        assertEquals(DType.values().length, DType.labels().size());
        assertEquals(Q8Codec.BLOCK, DType.Q8_BLOCK);
    }

    /**
     * Encoding into memory filled with 0x00, then with 0xff, writes the same byte everywhere in
     * {@code [0, byteSize)} (every byte is written, padding included) and nothing beyond; the planes lie inside.
     */
    @Property(tries = 300)
    void encodeWritesExactlyByteSize(@ForAll DType dtype, @ForAll @IntRange(min = 1, max = 40) int rows,
                                     @ForAll @IntRange(min = 1, max = 150) int cols, @ForAll long seed) {
        WeightCodec codec = dtype.codec();
        Random random = new Random(seed);
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextInt(8) == 0 ? 0f : (float) random.nextGaussian() * 10f;
        }
        int size = Math.toIntExact(codec.byteSize(rows, cols));
        assertEquals(size, dtype.byteSize(new long[] {rows, cols}));
        byte[] zeros = encodeOver((byte) 0, values, rows, cols, codec, size);
        byte[] ones = encodeOver((byte) 0xff, values, rows, cols, codec, size);
        for (int i = 0; i < zeros.length; i++) {
            if (i < size && zeros[i] != ones[i]) {
                fail(dtype + " " + rows + "x" + cols + ": byte " + i + " of " + size + " not written");
            }
            if (i >= size && (zeros[i] != 0 || ones[i] != (byte) 0xff)) {
                fail(dtype + " " + rows + "x" + cols + ": byte " + i + " written, beyond " + size);
            }
        }
        assertArrayEquals(Arrays.copyOf(zeros, size), TensorCodec.encode(dtype, new long[] {rows, cols}, values)
                .array());

        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(size);
            MemorySegment v = codec.valuePlane(data, rows, cols);
            MemorySegment s = codec.scalePlane(data, rows, cols);
            assertEquals(0, offset(data, v));
            assertEquals((long) rows * cols * codec.valueBytes(), v.byteSize());
            if (codec.scalesPerRow(cols) == 0) {
                assertNull(s);
                assertEquals(size, v.byteSize());
            } else {
                assertNotNull(s);
                assertEquals(Float.BYTES * rows * codec.scalesPerRow(cols), s.byteSize());
                assertEquals(size, offset(data, s) + s.byteSize());
                assertEquals(0, offset(data, s) % SmoeLayout.ALIGNMENT);
            }
        }
    }

    private static long offset(MemorySegment data, MemorySegment slice) {
        return slice.address() - data.address();
    }

    private static byte[] encodeOver(byte fill, float[] values, int rows, int cols, WeightCodec codec, int size) {
        byte[] out = new byte[size + 67];
        Arrays.fill(out, fill);
        codec.encodeRows(values, rows, cols, MemorySegment.ofArray(out));
        return out;
    }
}
