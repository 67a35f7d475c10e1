package org.speechmoe.runtime.internal.audio;

import java.io.IOException;
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
        if (audio.sampleRate() == targetRate) {
            return audio;
        }
        return new Samples(filter(audio.sampleRate(), targetRate).apply(audio.samples()), targetRate);
    }

    /**
     * {@code audio} at {@code targetRate}, resampled as it is read: the same samples as {@link #resample} gives for
     * the whole recording, bit for bit, with a bounded buffer; the same stream when the rates are equal.
     */
    public static AudioStream resample(AudioStream audio, int targetRate) {
        int source = audio.sampleRate();
        if (source == targetRate) {
            return audio;
        }
        return new ResampledStream(audio, filter(source, targetRate));
    }

    private static Filter filter(int source, int targetRate) {
        if (targetRate <= 0) {
            throw new IllegalArgumentException("target sample rate must be positive, got " + targetRate);
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
        return filter;
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

    /**
     * A stream resampled as it is read. It holds the input samples that outputs still to come read: about the
     * filter's length plus one block.
     */
    private static final class ResampledStream implements AudioStream {
        private final AudioStream input;
        private final Filter filter;
        private final float[] block = new float[Blocks.SAMPLES];
        /** Input samples {@code [base, base + length)}. */
        private float[] x = new float[2 * Blocks.SAMPLES];
        private long base;
        private int length;
        private boolean ended;
        /** The next output sample's index. */
        private long next;

        ResampledStream(AudioStream input, Filter filter) {
            this.input = input;
            this.filter = filter;
        }

        @Override
        public int sampleRate() {
            return filter.target;
        }

        @Override
        public int read(float[] buffer) throws IOException {
            while (true) {
                long end = base + length;
                long outputs = ended ? (end * filter.target + filter.source - 1) / filter.source : Long.MAX_VALUE;
                int n = 0;
                while (n < buffer.length && next < outputs && (ended || filter.endInput(next) <= end)) {
                    buffer[n++] = filter.output(next++, x, base, end);
                }
                if (n > 0) {
                    return n;
                }
                if (ended) {
                    return -1;
                }
                if (!fill()) {
                    return 0;
                }
            }
        }

        /**
         * Drops the input no output to come reads, and appends the next block; false when the input has nothing yet
         * (a pushed stream).
         */
        private boolean fill() throws IOException {
            int got = input.read(block);
            if (got < 0) {
                ended = true;
                return true;
            }
            if (got == 0) {
                return false;
            }
            long needed = filter.firstInput(next);
            for (long j = next + 1; j < next + filter.up; j++) {
                needed = Math.min(needed, filter.firstInput(j));
            }
            int drop = (int) Math.min(length, Math.max(0, needed - base));
            System.arraycopy(x, drop, x, 0, length - drop);
            base += drop;
            length -= drop;
            if (length + got > x.length) {
                x = Arrays.copyOf(x, Math.max(length + got, 2 * x.length));
            }
            System.arraycopy(block, 0, x, length, got);
            length += got;
            return true;
        }

        @Override
        public void close() throws IOException {
            input.close();
        }
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
                out[j] = output(j, in, 0, in.length);
            }
            return out;
        }

        /** The first input sample output {@code j} reads (possibly before the input's start). */
        long firstInput(long j) {
            return j / up * down - width + first[(int) (j % up)];
        }

        /** One past the last input sample output {@code j} reads. */
        long endInput(long j) {
            return firstInput(j) + taps[(int) (j % up)].length;
        }

        /**
         * Output sample {@code j}, from {@code x} holding input samples {@code [base, ...)} of which those before
         * {@code end} exist; samples before 0 or from {@code end} on count as zero.
         */
        float output(long j, float[] x, long base, long end) {
            long from = firstInput(j);
            float[] h = taps[(int) (j % up)];
            int lo = (int) Math.max(0, -from);
            int hi = (int) Math.min(h.length, end - from);
            float acc = 0f;
            for (int i = lo; i < hi; i++) {
                acc += x[(int) (from + i - base)] * h[i];
            }
            return acc;
        }

        private static int gcd(int a, int b) {
            return b == 0 ? a : gcd(b, a % b);
        }
    }
}
