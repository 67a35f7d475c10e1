package org.speechmoe.format;

import java.io.ByteArrayOutputStream;

/** Little-endian serialization of the metadata and directory sections. */
final class SectionWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    void u8(int v) {
        out.write(v);
    }

    void u16(int v) {
        out.write(v);
        out.write(v >>> 8);
    }

    void u32(long v) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (v >>> (8 * i)));
        }
    }

    void u64(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
    }

    void f64(double v) {
        u64(Double.doubleToRawLongBits(v));
    }

    /** A name or key: u16 length then UTF-8 bytes. */
    void name(String s) {
        byte[] b = SmoeLayout.utf8(s);
        u16(b.length);
        out.writeBytes(b);
    }

    /** A string value: u32 length then UTF-8 bytes. */
    void string(String s) {
        byte[] b = SmoeLayout.utf8(s);
        u32(b.length);
        out.writeBytes(b);
    }

    int size() {
        return out.size();
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
