package org.speechmoe.runtime.audio;

/**
 * Band-limited resampling between any two sample rates: a windowed-sinc low-pass (Kaiser window) evaluated at each
 * output instant, with the filter coefficients precomputed per polyphase phase.
 *
 * <p>Design: passband up to {@value #PASSBAND_EDGE} of the lower rate's Nyquist frequency, stopband from that Nyquist
 * frequency on, {@value #DESIGN_ATTENUATION_DB} dB design attenuation (so passband ripple of the same order, about
 * 1e-5). The stopband starting exactly at the lower Nyquist means nothing aliases when downsampling and no image leaks
 * when upsampling; the price is that the top 10% below Nyquist (7.2-8 kHz at 16 kHz) is rolled off, where speech has
 * little energy and the 80 mel bins of the fbank only a few. docs/AUDIO.md gives the measured figures.
 *
 * <p>The output sample {@code k} is at time {@code k / targetRate}; the output has one sample for every such instant
 * that falls inside the input, {@link #outputLength}. The filter is symmetric about each output instant, so there is no
 * delay. Samples outside the input count as zero.
 *
 * <p>A ratio {@code target/source = L/M} in lowest terms needs {@code L} phases. When {@code L × taps} would exceed
 * 2^18 coefficients (only for unusual rate pairs such as 44 101 Hz), the table holds as many evenly spaced phases as
 * fit and each output interpolates linearly between the two phases around its own; rounding to the nearest phase
 * instead would leave timing jitter at about -90 dB.
 */
public final class Resampler {
    /** Fraction of the lower Nyquist frequency that is passed flat. */
    public static final double PASSBAND_EDGE = 0.9;
    public static final double DESIGN_ATTENUATION_DB = 100;
    /** Beyond this the filter grows past any use: 768 kHz to 8 kHz is a ratio of 96. */
    private static final int MAX_DOWNSAMPLING_RATIO = 256;
    private static final int MAX_TABLE_COEFFICIENTS = 1 << 18;

    private Resampler() {
    }

    /** {@code audio} at {@code targetRate}; the same object when the rates are equal. */
    public static Samples resample(Samples audio, int targetRate) {
        if (targetRate <= 0) {
            throw new IllegalArgumentException("target sample rate must be positive, got " + targetRate);
        }
        int source = audio.sampleRate();
        if (source == targetRate) {
            return audio;
        }
        if (source > (long) MAX_DOWNSAMPLING_RATIO * targetRate) {
            throw new IllegalArgumentException("cannot resample " + source + " Hz to " + targetRate
                    + " Hz: more than " + MAX_DOWNSAMPLING_RATIO + "x downsampling");
        }
        return new Samples(new Filter(source, targetRate).apply(audio.samples()), targetRate);
    }

    /** {@code ceil(inputLength · targetRate / sourceRate)}: the output instants {@code k / targetRate} inside the input. */
    public static int outputLength(int inputLength, int sourceRate, int targetRate) {
        long n = ((long) inputLength * targetRate + sourceRate - 1) / sourceRate;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(inputLength + " samples at " + sourceRate + " Hz are too many at "
                    + targetRate + " Hz");
        }
        return (int) n;
    }

    /** The polyphase filter for one rate pair. */
    private static final class Filter {
        private final int source;
        private final int target;
        /** Output instant k is at input position k · step / up (in input samples), exactly. */
        private final long up;
        private final long step;
        private final int halfWidth;
        private final int taps;
        private final int phases;
        /**
         * (phases + 1) × taps: phase p holds h(p / phases + halfWidth - 1 - i) for i in [0, taps). The extra last
         * phase is the first shifted by one sample, for interpolating past the last.
         */
        private final float[] table;

        Filter(int source, int target) {
            this.source = source;
            this.target = target;
            long g = gcd(source, target);
            up = target / g;
            step = source / g;
            double lowNyquist = Math.min(source, target) / 2.0;
            // Frequencies in cycles per input sample.
            double transition = (1 - PASSBAND_EDGE) * lowNyquist / source;
            double cutoff = (1 + PASSBAND_EDGE) / 2 * lowNyquist / source;
            // Kaiser's estimates of the length and of beta for a given attenuation and transition width.
            double length = (DESIGN_ATTENUATION_DB - 7.95) / (2.285 * 2 * Math.PI * transition);
            double beta = 0.1102 * (DESIGN_ATTENUATION_DB - 8.7);
            halfWidth = (int) Math.ceil(length / 2);
            taps = 2 * halfWidth;
            phases = (int) Math.min(up, MAX_TABLE_COEFFICIENTS / taps - 1);
            table = new float[(phases + 1) * taps];
            double i0Beta = besselI0(beta);
            for (int p = 0; p <= phases; p++) {
                for (int i = 0; i < taps; i++) {
                    double t = (double) p / phases + halfWidth - 1 - i;
                    double r = t / halfWidth;
                    double window = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
                    table[p * taps + i] = (float) (2 * cutoff * sinc(2 * cutoff * t) * window);
                }
            }
        }

        float[] apply(float[] in) {
            // Zeros on both sides, so every output reads a full window without bounds checks.
            float[] x = new float[in.length + taps];
            System.arraycopy(in, 0, x, halfWidth, in.length);
            float[] out = new float[outputLength(in.length, source, target)];
            for (int k = 0; k < out.length; k++) {
                long position = k * step;
                long base = position / up;
                long phase = position % up;
                // The window covers input samples base - halfWidth + 1 .. base + halfWidth, at x[base + 1 ...].
                int start = (int) base + 1;
                if (phases == up) {
                    out[k] = dot(table, (int) phase * taps, x, start, taps);
                } else {
                    double between = (double) phase * phases / up;
                    int p = (int) between;
                    float frac = (float) (between - p);
                    float lower = dot(table, p * taps, x, start, taps);
                    float upper = dot(table, (p + 1) * taps, x, start, taps);
                    out[k] = lower + frac * (upper - lower);
                }
            }
            return out;
        }

        private static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
            // Four partial sums: independent chains the CPU can overlap (taps is even; n % 4 is 0 or 2).
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            int i = 0;
            for (; i + 3 < n; i += 4) {
                s0 += a[aOff + i] * b[bOff + i];
                s1 += a[aOff + i + 1] * b[bOff + i + 1];
                s2 += a[aOff + i + 2] * b[bOff + i + 2];
                s3 += a[aOff + i + 3] * b[bOff + i + 3];
            }
            for (; i < n; i++) {
                s0 += a[aOff + i] * b[bOff + i];
            }
            return (s0 + s1) + (s2 + s3);
        }

        private static double sinc(double x) {
            return x == 0 ? 1 : StrictMath.sin(Math.PI * x) / (Math.PI * x);
        }

        /** The modified Bessel function of the first kind, order 0, by its power series. */
        private static double besselI0(double x) {
            double sum = 1;
            double term = 1;
            double q = x * x / 4;
            for (int k = 1; term > 1e-17 * sum; k++) {
                term *= q / ((double) k * k);
                sum += term;
            }
            return sum;
        }

        private static long gcd(long a, long b) {
            return b == 0 ? a : gcd(b, a % b);
        }
    }
}
