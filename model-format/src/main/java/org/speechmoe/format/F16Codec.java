package org.speechmoe.format;

/** f16: IEEE binary16, 2 bytes a value ({@link TwoByteCodec#LAYOUT}). */
public final class F16Codec extends TwoByteCodec {
    static final F16Codec INSTANCE = new F16Codec();

    private F16Codec() {
    }

    /** Round to nearest even; values beyond ±65504 become infinities (the converter reports them). */
    public static short encode(float v) {
        return Float.floatToFloat16(v);
    }

    public static float decode(short bits) {
        return Float.float16ToFloat(bits);
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
