package org.speechmoe.format.lm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Makes the checksums of edited .smlm bytes right again (every section's whose directory entry lies in the file and
 * points inside it, then the header's), so that a test reaches the checks behind them. Reads the layout from the
 * bytes as they are, damaged or not, independently of the reader.
 */
final class Reseal {
    private Reseal() {
    }

    static byte[] of(byte[] bytes) {
        byte[] b = bytes.clone();
        if (b.length < SmlmLayout.HEADER_SIZE) {
            return b;
        }
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long dirOffset = h.getLong(SmlmLayout.OFF_DIR_OFFSET);
        long dirLength = h.getLong(SmlmLayout.OFF_DIR_LENGTH);
        boolean dirInside = dirOffset >= 0 && dirLength >= 0 && dirOffset <= b.length
                && dirLength <= b.length - dirOffset;
        if (dirInside) {
            for (long e = dirOffset; e + SmlmLayout.DIR_ENTRY <= dirOffset + dirLength; e += SmlmLayout.DIR_ENTRY) {
                long offset = h.getLong((int) e);
                long length = h.getLong((int) e + 8);
                if (offset >= 0 && length >= 0 && offset <= b.length && length <= b.length - offset) {
                    CRC32C crc = new CRC32C();
                    crc.update(b, (int) offset, (int) length);
                    h.putInt((int) e + 20, (int) crc.getValue());
                }
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(b, 0, SmlmLayout.OFF_HEADER_CRC);
        if (dirInside) {
            crc.update(b, (int) dirOffset, (int) dirLength);
        }
        h.putInt(SmlmLayout.OFF_HEADER_CRC, (int) crc.getValue());
        return b;
    }
}
