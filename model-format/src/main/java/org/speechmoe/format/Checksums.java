package org.speechmoe.format;

import java.lang.foreign.MemorySegment;
import java.util.zip.CRC32C;

/** CRC32C over memory segments of any size (a ByteBuffer view is limited to 2 GiB, so big ones go in chunks). */
public final class Checksums {
    private static final long CHUNK = 1L << 30;

    private Checksums() {
    }

    public static int crc32c(MemorySegment segment) {
        CRC32C crc = new CRC32C();
        update(crc, segment);
        return (int) crc.getValue();
    }

    static void update(CRC32C crc, MemorySegment segment) {
        for (long pos = 0; pos < segment.byteSize(); pos += CHUNK) {
            long n = Math.min(CHUNK, segment.byteSize() - pos);
            crc.update(segment.asSlice(pos, n).asByteBuffer());
        }
    }
}
