package org.speechmoe.format.lm;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Fixed numbers of the {@code .smlm} layout; docs/FORMAT.md, "Language model files", describes each byte. */
final class SmlmLayout {
    private SmlmLayout() {
    }

    /** "SMLM" then CR LF SUB LF, as the .smoe magic, so text-mode transfers that mangle line ends are caught. */
    static final byte[] MAGIC = {'S', 'M', 'L', 'M', '\r', '\n', 0x1a, '\n'};
    static final int MAJOR_VERSION = 1;
    static final int MINOR_VERSION = 0;
    static final int HEADER_SIZE = 64;
    static final int ALIGNMENT = 64;

    static final int OFF_MAJOR = 8;
    static final int OFF_MINOR = 10;
    static final int OFF_FLAGS = 12;
    static final int OFF_FILE_LENGTH = 16;
    static final int OFF_ORDER = 24;
    static final int OFF_SECTION_COUNT = 28;
    static final int OFF_DIR_OFFSET = 32;
    static final int OFF_DIR_LENGTH = 40;
    static final int OFF_HEADER_CRC = 60;

    /** A directory entry: u64 offset, u64 length, u32 item count, u32 CRC32C. */
    static final int DIR_ENTRY = 24;
    /** Sections before the n-gram tables: metadata, vocabulary. */
    static final int LEADING_SECTIONS = 2;

    /** The longest n-gram a file may hold; far beyond what back-off models use, it bounds what a header can ask. */
    static final int MAX_ORDER = 16;
    /** Word ids are non-negative ints and the hash table, twice as many slots as words, must fit in a u32 count. */
    static final int MAX_WORDS = 1 << 30;
    /** N-gram indices are non-negative ints, so that a state holds one in its low half. */
    static final long MAX_NGRAMS = Integer.MAX_VALUE;
    /** The vocabulary's word offsets are u32. */
    static final long MAX_WORD_BYTES = 0xFFFF_FFFFL;

    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static long alignUp(long n) {
        return Math.addExact(n, ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** The section name used in messages and listings: {@code metadata}, {@code vocabulary}, {@code 2-grams}. */
    static String sectionName(int index) {
        return switch (index) {
            case 0 -> "metadata";
            case 1 -> "vocabulary";
            default -> (index - LEADING_SECTIONS + 1) + "-grams";
        };
    }
}
