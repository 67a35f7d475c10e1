package org.speechmoe.runtime.internal.audio;

/** Test signals and measurements for the resampler: sines, and the amplitude of a sine found in a signal. */
final class SineMeasure {
    private SineMeasure() {
    }

    static float[] sine(double amplitude, double frequency, int rate, int length) {
        float[] s = new float[length];
        for (int i = 0; i < length; i++) {
            s[i] = (float) (amplitude * Math.sin(2 * Math.PI * frequency * i / rate));
        }
        return s;
    }

    /**
     * The amplitude of the sine of {@code frequency} in {@code x[from, to)}, by least squares on sin and cos (exact for
     * a pure sine, whatever the number of cycles).
     */
    static double amplitude(float[] x, double frequency, int rate, int from, int to) {
        double[] ab = fit(x, frequency, rate, from, to);
        return Math.hypot(ab[0], ab[1]);
    }

    /** What is left in {@code x[from, to)} besides the sine of {@code frequency}, as a sine-equivalent amplitude. */
    static double residualAmplitude(float[] x, double frequency, int rate, int from, int to) {
        double[] ab = fit(x, frequency, rate, from, to);
        double sum = 0;
        for (int i = from; i < to; i++) {
            double phase = 2 * Math.PI * frequency * i / rate;
            double r = x[i] - ab[0] * Math.sin(phase) - ab[1] * Math.cos(phase);
            sum += r * r;
        }
        return Math.sqrt(2 * sum / (to - from));
    }

    /** Least-squares {@code a, b} of {@code a sin + b cos}. */
    private static double[] fit(float[] x, double frequency, int rate, int from, int to) {
        double ss = 0;
        double cc = 0;
        double sc = 0;
        double xs = 0;
        double xc = 0;
        for (int i = from; i < to; i++) {
            double phase = 2 * Math.PI * frequency * i / rate;
            double s = Math.sin(phase);
            double c = Math.cos(phase);
            ss += s * s;
            cc += c * c;
            sc += s * c;
            xs += x[i] * s;
            xc += x[i] * c;
        }
        double det = ss * cc - sc * sc;
        return new double[] {(xs * cc - xc * sc) / det, (xc * ss - xs * sc) / det};
    }

    /** The RMS of {@code x[from, to)} times sqrt(2): the amplitude a sine of that power would have. */
    static double sineEquivalentAmplitude(float[] x, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += (double) x[i] * x[i];
        }
        return Math.sqrt(2 * sum / (to - from));
    }

    static double db(double ratio) {
        return 20 * Math.log10(ratio);
    }
}
