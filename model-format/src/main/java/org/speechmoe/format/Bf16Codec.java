package org.speechmoe.format;

/** bf16: the upper 16 bits of the binary32, 2 bytes a value ({@link TwoByteCodec#LAYOUT}). */
public final class Bf16Codec extends TwoByteCodec {
    static final Bf16Codec INSTANCE = new Bf16Codec();

    private Bf16Codec() {
    }

    /** The top half of the f32, rounded to nearest even; NaN stays NaN. */
    public static short encode(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /** The bits become the high half of the f32. */
    public static float decode(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    @Override
    short toBits(float v) {
        return encode(v);
    }

    @Override
    float fromBits(short bits) {
        return decode(bits);
    }
}
