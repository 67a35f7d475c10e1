package org.speechmoe.runtime.internal.audio;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds WAV files byte by byte, including malformed ones, for the reader's tests. */
final class TestWav {
    static final int PCM = 1;
    static final int IEEE_FLOAT = 3;
    static final int EXTENSIBLE = 0xFFFE;
    /** Bytes 2-15 of KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT. */
    static final byte[] GUID_TAIL = {0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71};

    private TestWav() {
    }

    static byte[] fmt(int tag, int channels, int rate, int bits) {
        return fmt(tag, channels, rate, bits, channels * ((bits + 7) / 8));
    }

    static byte[] fmt(int tag, int channels, long rate, int bits, int blockAlign) {
        return le(16).putShort((short) tag).putShort((short) channels).putInt((int) rate)
                .putInt((int) (rate * blockAlign)).putShort((short) blockAlign).putShort((short) bits).array();
    }

    static byte[] fmtExtensible(int subFormat, int channels, int rate, int bits, int validBits) {
        int blockAlign = channels * bits / 8;
        return le(40).putShort((short) EXTENSIBLE).putShort((short) channels).putInt(rate).putInt(rate * blockAlign)
                .putShort((short) blockAlign).putShort((short) bits).putShort((short) 22).putShort((short) validBits)
                .putInt(channels == 2 ? 3 : 4).putShort((short) subFormat).put(GUID_TAIL).array();
    }

    /** A chunk whose header states the body's size, with the pad byte when that size is odd. */
    static byte[] chunk(String id, byte[] body) {
        return chunk(id, body.length, body);
    }

    /** A chunk whose header states {@code declaredSize}, whatever the body holds. */
    static byte[] chunk(String id, long declaredSize, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(id.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(le(4).putInt((int) declaredSize).array());
        out.writeBytes(body);
        if (declaredSize == body.length && body.length % 2 == 1) {
            out.write(0);
        }
        return out.toByteArray();
    }

    static byte[] riff(byte[]... chunks) {
        return container("RIFF", chunks);
    }

    static byte[] container(String magic, byte[]... chunks) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] c : chunks) {
            body.writeBytes(c);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(magic.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(le(4).putInt(magic.equals("RIFF") ? body.size() + 4 : -1).array());
        out.writeBytes("WAVE".getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    static byte[] pcm8(int... unsigned) {
        byte[] b = new byte[unsigned.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) unsigned[i];
        }
        return b;
    }

    static byte[] pcm16(int... values) {
        ByteBuffer b = le(2 * values.length);
        for (int v : values) {
            b.putShort((short) v);
        }
        return b.array();
    }

    static byte[] pcm24(int... values) {
        byte[] b = new byte[3 * values.length];
        for (int i = 0; i < values.length; i++) {
            b[3 * i] = (byte) values[i];
            b[3 * i + 1] = (byte) (values[i] >> 8);
            b[3 * i + 2] = (byte) (values[i] >> 16);
        }
        return b;
    }

    static byte[] pcm32(int... values) {
        ByteBuffer b = le(4 * values.length);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    static byte[] float32(float... values) {
        ByteBuffer b = le(4 * values.length);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    static byte[] float64(double... values) {
        ByteBuffer b = le(8 * values.length);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }

    static Samples read(byte[] wav) throws IOException {
        return WavReader.read(new ByteArrayInputStream(wav), "test.wav");
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
