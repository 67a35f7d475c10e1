package org.speechmoe.runtime.internal.audio;

/** How one sample of one channel is stored in a WAV data chunk (little-endian), and its value scaled to [-1, 1]. */
enum SampleEncoding {
    /** 8-bit PCM is unsigned with its zero at 128. */
    PCM_U8(1) {
        @Override
        double decode(byte[] b, int off) {
            return ((b[off] & 0xFF) - 128) / 128.0;
        }
    },
    PCM_S16(2) {
        @Override
        double decode(byte[] b, int off) {
            return (short) ((b[off] & 0xFF) | b[off + 1] << 8) / 32768.0;
        }
    },
    PCM_S24(3) {
        @Override
        double decode(byte[] b, int off) {
            return ((b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | b[off + 2] << 16) / 8388608.0;
        }
    },
    PCM_S32(4) {
        @Override
        double decode(byte[] b, int off) {
            return int32(b, off) / 2147483648.0;
        }
    },
    FLOAT32(4) {
        @Override
        double decode(byte[] b, int off) {
            return Float.intBitsToFloat(int32(b, off));
        }
    },
    FLOAT64(8) {
        @Override
        double decode(byte[] b, int off) {
            return Double.longBitsToDouble(int32(b, off) & 0xFFFFFFFFL | (long) int32(b, off + 4) << 32);
        }
    };

    final int bytes;

    SampleEncoding(int bytes) {
        this.bytes = bytes;
    }

    abstract double decode(byte[] b, int off);

    /**
     * PCM with {@code bits} significant bits. Samples narrower than their container (12 bits in 2 bytes, 20 in 3) are
     * left-justified, so scaling by the container's range is right for them too.
     */
    static SampleEncoding pcm(int bits) {
        return switch ((bits + 7) / 8) {
            case 1 -> PCM_U8;
            case 2 -> PCM_S16;
            case 3 -> PCM_S24;
            case 4 -> PCM_S32;
            default -> null;
        };
    }

    static SampleEncoding ieeeFloat(int bits) {
        return switch (bits) {
            case 32 -> FLOAT32;
            case 64 -> FLOAT64;
            default -> null;
        };
    }

    private static int int32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | b[off + 3] << 24;
    }
}
