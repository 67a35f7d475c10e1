package org.speechmoe.runtime.internal.audio;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resampling between any two sample rates exactly as the reference does it: {@code torchaudio.functional.resample}
 * with its defaults (band-limited sinc interpolation, a squared-cosine (Hann) window over 6 zero crossings on each
 * side, cut-off at 0.99 of the lower Nyquist frequency), which is also what 3m-asr/WeNet training pipelines apply.
 * A model learns the spectrum its training audio had, so matching the reference's resampler matters more than a
 * sharper filter would: with a flatter, lower cut-off (0.9) a model trained on torchaudio-resampled telephone
 * speech lost 3 points of CER on 8 kHz input. docs/AUDIO.md gives the measured figures.
 *
 * <p>With {@code L/M = target/source} in lowest terms, output sample {@code j = m·L + k} is
 * {@code Σ_i x[i] · h_k(i - m·M)}, where phase {@code k}'s filter is evaluated at
 * {@code t = (i/M - j/L) · 0.99 · min(L, M)} zero crossings: {@code h = sin(πt)/(πt) · cos²(πt/12) · 0.99 · min(L, M) / M}
 * for {@code |t| < 6}. The coefficients are computed in float with torchaudio's operation order, so they agree with
 * its kernel to the last bit or so; torchaudio also keeps taps with {@code |t| ≥ 6}, clamped to the window's edge
 * where the window is about 1e-15, which this class leaves out. Samples outside the input count as zero; the output
 * has {@code ceil(n · L / M)} samples.
 */
public final class Resampler {
    /** Zero crossings of the sinc kept on each side (torchaudio's {@code lowpass_filter_width}). */
    public static final int ZERO_CROSSINGS = 6;
    /** Cut-off as a fraction of the lower Nyquist frequency (torchaudio's {@code rolloff}). */
    public static final float ROLLOFF = 0.99f;
    /** Beyond this the filter grows past any use: 768 kHz to 8 kHz is a ratio of 96. */
    private static final int MAX_DOWNSAMPLING_RATIO = 256;
    /** Filters are immutable; the few rate pairs a program meets are built once (odd rates take ~0.3 s). */
    private static final int CACHED_FILTERS = 16;
    private static final Map<Long, Filter> FILTERS = new ConcurrentHashMap<>();

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
        long key = (long) source << 32 | targetRate;
        Filter filter = FILTERS.get(key);
        if (filter == null) {
            if (FILTERS.size() >= CACHED_FILTERS) {
                FILTERS.clear();
            }
            filter = new Filter(source, targetRate);
            FILTERS.put(key, filter);
        }
        return new Samples(filter.apply(audio.samples()), targetRate);
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

    /** The polyphase filter for one rate pair: for each of the L phases, its run of non-zero taps. */
    private static final class Filter {
        private final int source;
        private final int target;
        /** The rates divided by their greatest common divisor: L outputs for every M inputs. */
        private final int up;
        private final int down;
        /** torchaudio's {@code width}: input samples on each side of an output instant that can matter. */
        private final int width;
        /** Phase k's taps apply to inputs from {@code m·M - width + first[k]} on. */
        private final int[] first;
        private final float[][] taps;

        Filter(int source, int target) {
            this.source = source;
            this.target = target;
            int g = gcd(source, target);
            up = target / g;
            down = source / g;
            // torchaudio: base_freq = min(orig, new) * rolloff; width = ceil(lowpass_filter_width * orig / base_freq)
            double baseFreq = Math.min(up, down) * (double) ROLLOFF;
            width = (int) Math.ceil(ZERO_CROSSINGS * down / baseFreq);
            first = new int[up];
            taps = new float[up][];
            float base = (float) baseFreq;
            float pi = (float) Math.PI;
            float scale = (float) (baseFreq / down);
            int kernelLength = 2 * width + down;
            double half = ZERO_CROSSINGS * down / baseFreq;
            float[] run = new float[(int) Math.ceil(2 * half) + 6];
            for (int k = 0; k < up; k++) {
                float phase = (float) -k / up;
                // Only taps near the output instant can have |t| < 6; scan them with a margin for rounding.
                double center = width + (double) k * down / up;
                int from = (int) Math.max(0, Math.floor(center - half) - 2);
                int to = (int) Math.min(kernelLength - 1, Math.ceil(center + half) + 2);
                int n = 0;
                for (int w = from; w <= to; w++) {
                    // In float and in torchaudio's order: t = (-k/new + (w - width)/orig) * base_freq.
                    float t = (phase + (float) (w - width) / down) * base;
                    if (!(Math.abs(t) < ZERO_CROSSINGS)) {
                        continue;
                    }
                    if (n == 0) {
                        first[k] = w;
                    }
                    float c = (float) StrictMath.cos(t * pi / ZERO_CROSSINGS / 2);
                    float x = t * pi;
                    float sinc = x == 0 ? 1f : (float) StrictMath.sin(x) / x;
                    // |t| < 6 holds on one run of consecutive taps, so position w - first is its index.
                    run[n++] = sinc * (c * c * scale);
                }
                taps[k] = Arrays.copyOf(run, n);
            }
        }

        float[] apply(float[] in) {
            float[] out = new float[outputLength(in.length, source, target)];
            for (int j = 0; j < out.length; j++) {
                int k = j % up;
                long from = (long) (j / up) * down - width + first[k];
                float[] h = taps[k];
                int lo = (int) Math.max(0, -from);
                int hi = (int) Math.min(h.length, in.length - from);
                float acc = 0f;
                for (int i = lo; i < hi; i++) {
                    acc += in[(int) (from + i)] * h[i];
                }
                out[j] = acc;
            }
            return out;
        }

        private static int gcd(int a, int b) {
            return b == 0 ? a : gcd(b, a % b);
        }
    }
}
