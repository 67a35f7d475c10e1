package org.speechmoe.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Bounded little-endian reads from one section of a mapped file. Every read checks the bytes left first, so a lying
 * length field ends in a {@link ModelFormatException}, never in a read outside the section or a huge allocation.
 */
final class SectionReader {
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment segment;
    private final String section;
    private final String file;
    private long pos;

    SectionReader(MemorySegment segment, String section, String file) {
        this.segment = segment;
        this.section = section;
        this.file = file;
    }

    long remaining() {
        return segment.byteSize() - pos;
    }

    private void need(long n, String what) throws ModelFormatException {
        if (n < 0 || n > remaining()) {
            throw new ModelFormatException(file + ": " + section + " section is truncated: " + what + " needs " + n
                    + " bytes at section offset " + pos + ", " + remaining() + " left");
        }
    }

    int u8(String what) throws ModelFormatException {
        need(1, what);
        return Byte.toUnsignedInt(segment.get(ValueLayout.JAVA_BYTE, pos++));
    }

    int u16(String what) throws ModelFormatException {
        need(2, what);
        int v = Short.toUnsignedInt(segment.get(U16, pos));
        pos += 2;
        return v;
    }

    long u32(String what) throws ModelFormatException {
        need(4, what);
        long v = Integer.toUnsignedLong(segment.get(U32, pos));
        pos += 4;
        return v;
    }

    long i64(String what) throws ModelFormatException {
        need(8, what);
        long v = segment.get(U64, pos);
        pos += 8;
        return v;
    }

    double f64(String what) throws ModelFormatException {
        return Double.longBitsToDouble(i64(what));
    }

    /** A name: u16 length, UTF-8 bytes. */
    String name(String what) throws ModelFormatException {
        int n = u16(what + " length");
        if (n > SmoeLayout.MAX_NAME_BYTES) {
            throw new ModelFormatException(file + ": " + section + " section: " + what + " is " + n
                    + " bytes long, the limit is " + SmoeLayout.MAX_NAME_BYTES);
        }
        return utf8(n, what);
    }

    /** A string value: u32 length, UTF-8 bytes. */
    String string(String what) throws ModelFormatException {
        return utf8(u32(what + " length"), what);
    }

    /** Refuses an element count that could not fit in the bytes left, before anything is allocated for it. */
    int count(long n, int minBytesEach, String what) throws ModelFormatException {
        if (n > remaining() / Math.max(1, minBytesEach) || n > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(file + ": " + section + " section: " + what + " count " + n
                    + " cannot fit in the " + remaining() + " bytes left");
        }
        return (int) n;
    }

    private String utf8(long n, String what) throws ModelFormatException {
        need(n, what);
        byte[] bytes = segment.asSlice(pos, n).toArray(ValueLayout.JAVA_BYTE);
        pos += n;
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ModelFormatException(file + ": " + section + " section: " + what + " is not valid UTF-8");
        }
    }

    ModelFormatException error(String message) {
        return new ModelFormatException(file + ": " + section + " section: " + message);
    }
}
