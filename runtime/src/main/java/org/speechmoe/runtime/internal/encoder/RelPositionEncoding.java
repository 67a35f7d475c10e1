package org.speechmoe.runtime.internal.encoder;

/**
 * The sinusoid table of {@code rel_pos} encoding, {@code pe[t, 2i] = sin(t·div_i)}, {@code pe[t, 2i+1] = cos(t·div_i)}
 * with {@code div_i = exp(2i · -ln(10000)/d)}, computed in float arithmetic step by step as 3m-asr/WeNet do, so the
 * table matches PyTorch's to the last bits that matter.
 */
final class RelPositionEncoding {
    private RelPositionEncoding() {
    }

    static float[] table(int frames, int d) {
        return rows(0, frames, d);
    }

    /** The rows of positions {@code first .. first + count - 1}. */
    static float[] rows(int first, int count, int d) {
        float step = (float) -(StrictMath.log(10000.0) / d);
        float[] pe = new float[count * d];
        for (int i = 0; i < d / 2; i++) {
            float div = (float) StrictMath.exp((float) (2 * i) * step);
            for (int r = 0; r < count; r++) {
                float angle = (float) (first + r) * div;
                pe[r * d + 2 * i] = (float) StrictMath.sin(angle);
                pe[r * d + 2 * i + 1] = (float) StrictMath.cos(angle);
            }
        }
        return pe;
    }

    /** {@code x *= sqrt(d)}: the input scaling that precedes the blocks. */
    static void scaleInput(float[] x, int d) {
        float scale = (float) Math.sqrt(d);
        for (int i = 0; i < x.length; i++) {
            x[i] *= scale;
        }
    }
}
