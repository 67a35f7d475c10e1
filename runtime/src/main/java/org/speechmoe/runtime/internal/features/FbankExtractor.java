package org.speechmoe.runtime.internal.features;

import java.util.Arrays;
import org.speechmoe.runtime.internal.audio.Samples;

/**
 * Kaldi-compatible log-mel filterbank features, as {@code torchaudio.compliance.kaldi.fbank} computes them with the
 * options 3m-asr decodes with: povey window, pre-emphasis 0.97, per-frame DC removal, {@code snip_edges} (only frames
 * that fit entirely), FFT size the next power of two of the window (512 for 25 ms at 16 kHz), power spectrum, mel
 * filters from 20 Hz to Nyquist, no dither, no energy column, natural log floored at float epsilon.
 *
 * <p>Input samples are in [-1, 1] (what {@link org.speechmoe.runtime.internal.audio.WavReader} gives) and are scaled by 32768
 * here, because the models were trained on features of 16-bit integer amplitudes (spec §4.1).
 *
 * <p>Up to the power spectrum the arithmetic is float and rounds as torchaudio's float32 pipeline does (the window as
 * PyTorch computes it, {@link RealFft} as PocketFFT): bins far below a frame's peak are dominated by that rounding, and
 * a double pipeline differs from the reference by up to 0.03 there. From the power spectrum on, where rounding no
 * longer matters, it is double.
 *
 * <p>Immutable and thread-safe: the window, filters and FFT tables are computed once, and each call allocates its own
 * few KB of scratch (one FFT costs far more than that allocation).
 */
public final class FbankExtractor {
    private static final float PCM_SCALE = 32768;
    private static final float PREEMPHASIS = 0.97f;
    private static final double LOW_FREQ_HZ = 20;
    /** Kaldi's floor before the log: {@code std::numeric_limits<float>::epsilon()}. */
    private static final double LOG_FLOOR = Math.ulp(1f);

    private final int sampleRate;
    private final int windowSize;
    private final int windowShift;
    private final float[] window;
    private final RealFft fft;
    private final MelFilterbank filters;

    /** Features for audio at {@code sampleRate}; 3m-asr uses {@code (16000, 80, 25, 10)}. */
    public FbankExtractor(int sampleRate, int numMelBins, double frameLengthMs, double frameShiftMs) {
        if (sampleRate <= 2 * LOW_FREQ_HZ) {
            throw new IllegalArgumentException("sample rate " + sampleRate + " Hz has no band above "
                    + LOW_FREQ_HZ + " Hz");
        }
        if (numMelBins <= 3) {
            throw new IllegalArgumentException("need more than 3 mel bins, got " + numMelBins);
        }
        // The same expressions as Kaldi and torchaudio, so the sizes round the same way.
        windowSize = (int) (sampleRate * frameLengthMs * 0.001);
        windowShift = (int) (sampleRate * frameShiftMs * 0.001);
        if (windowSize < 2 || windowShift < 1) {
            throw new IllegalArgumentException("frame length " + frameLengthMs + " ms and shift " + frameShiftMs
                    + " ms give windows of " + windowSize + " and shifts of " + windowShift + " samples");
        }
        this.sampleRate = sampleRate;
        window = PoveyWindow.of(windowSize);
        fft = new RealFft(Integer.highestOneBit(windowSize - 1) << 1);
        filters = new MelFilterbank(numMelBins, fft.size(), sampleRate, LOW_FREQ_HZ, sampleRate / 2.0);
    }

    public int sampleRate() {
        return sampleRate;
    }

    public int numMelBins() {
        return filters.size();
    }

    /** {@code 1 + (numSamples - window) / shift} frames, or 0 when the audio is shorter than one window. */
    public int numFrames(int numSamples) {
        return numSamples < windowSize ? 0 : 1 + (numSamples - windowSize) / windowShift;
    }

    /** The features of {@code audio}, which must be at this extractor's sample rate (resample it first). */
    public Features compute(Samples audio) {
        if (audio.sampleRate() != sampleRate) {
            throw new IllegalArgumentException("audio at " + audio.sampleRate() + " Hz given to a " + sampleRate
                    + " Hz fbank; resample it first");
        }
        return compute(audio.samples());
    }

    /** The features of mono samples in [-1, 1] at this extractor's sample rate. */
    public Features compute(float[] samples) {
        int frames = numFrames(samples.length);
        int bins = filters.size();
        float[] out = new float[frames * bins];
        Scratch scratch = new Scratch();
        for (int t = 0; t < frames; t++) {
            computeFrame(samples, t * windowShift, out, t * bins, scratch);
        }
        return new Features(frames, bins, out);
    }

    int windowSize() {
        return windowSize;
    }

    int windowShift() {
        return windowShift;
    }

    /** One caller's arrays for {@link #computeFrame}. */
    final class Scratch {
        private final float[] frame = new float[fft.size()];
        private final float[] fftScratch = new float[fft.size()];
        private final double[] power = new double[fft.size() / 2];
    }

    /**
     * The frame whose window starts at {@code samples[start]} into {@code out[at .. at + bins)}: a frame depends on
     * its own samples only, so a stream computing frames as samples arrive gives the same bits as a whole recording.
     */
    void computeFrame(float[] samples, int start, float[] out, int at, Scratch s) {
        float[] frame = s.frame;
        double[] power = s.power;
        // torch sums in float; a double sum rounded once matches it on every fixture frame, and a last-bit
        // difference in the mean would only move the lowest bins by far less than the tolerance anyway.
        double sum = 0;
        for (int i = 0; i < windowSize; i++) {
            frame[i] = samples[start + i] * PCM_SCALE;
            sum += frame[i];
        }
        float mean = (float) sum / windowSize;
        for (int i = 0; i < windowSize; i++) {
            frame[i] -= mean;
        }
        // Backwards, so each step still sees its unemphasized predecessor; the first sample uses itself.
        for (int i = windowSize - 1; i > 0; i--) {
            frame[i] -= PREEMPHASIS * frame[i - 1];
        }
        frame[0] -= PREEMPHASIS * frame[0];
        for (int i = 0; i < windowSize; i++) {
            frame[i] *= window[i];
        }
        Arrays.fill(frame, windowSize, fft.size(), 0);
        fft.forward(frame, s.fftScratch);
        // Half-complex order r0, r1, i1, r2, i2, ...; the Nyquist bin (last) has no filter weight.
        power[0] = (double) frame[0] * frame[0];
        for (int k = 1; k < power.length; k++) {
            double re = frame[2 * k - 1];
            double im = frame[2 * k];
            power[k] = re * re + im * im;
        }
        for (int m = 0; m < filters.size(); m++) {
            out[at + m] = (float) StrictMath.log(Math.max(filters.energy(m, power), LOG_FLOOR));
        }
    }
}
