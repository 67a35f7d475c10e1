package org.speechmoe.format;

import java.nio.charset.StandardCharsets;

/** Fixed numbers of the {@code .smoe} layout; docs/FORMAT.md describes each byte. */
public final class SmoeLayout {
    private SmoeLayout() {
    }

    /** "SMOE" then CR LF SUB LF, as PNG does, so text-mode transfers that mangle line ends are caught. */
    static final byte[] MAGIC = {'S', 'M', 'O', 'E', '\r', '\n', 0x1a, '\n'};
    public static final int MAJOR_VERSION = 1;
    public static final int MINOR_VERSION = 0;
    public static final int HEADER_SIZE = 64;
    /** Every tensor starts at a multiple of this, so vector loads never straddle cache lines. */
    public static final int ALIGNMENT = 64;
    public static final int MAX_RANK = 8;
    /** Longest tensor name or metadata key, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 1024;

    static final int OFF_MAJOR = 8;
    static final int OFF_MINOR = 10;
    static final int OFF_FLAGS = 12;
    static final int OFF_FILE_LENGTH = 16;
    static final int OFF_META_OFFSET = 24;
    static final int OFF_META_LENGTH = 32;
    static final int OFF_DIR_OFFSET = 40;
    static final int OFF_DIR_LENGTH = 48;
    static final int OFF_TENSOR_COUNT = 56;
    static final int OFF_HEADER_CRC = 60;

    /** Smallest directory entry: empty name length, dtype, rank 0, offset, length, crc. */
    static final int MIN_DIR_ENTRY = 2 + 1 + 1 + 8 + 8 + 4;
    /** Smallest metadata entry: key length, one key byte, type, a bool. */
    static final int MIN_META_ENTRY = 2 + 1 + 1 + 1;

    public static long alignUp(long n) {
        return Math.addExact(n, ALIGNMENT - 1) & -ALIGNMENT;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
