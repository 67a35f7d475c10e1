package org.speechmoe.runtime.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The quality figures docs/AUDIO.md states, measured with sines. */
class ResamplerTest {
    private static final double AMPLITUDE = 0.5;
    /** Passband: gain within this many dB of 0 (measured: 8e-5 dB). */
    private static final double PASSBAND_RIPPLE_DB = 1e-3;
    /** Stopband: aliases (downsampling) and images (upsampling) at least this far down (measured: 101.6 dB). */
    private static final double REJECTION_DB = 100;

    @ParameterizedTest
    @CsvSource({"48000, 16000", "44100, 16000", "22050, 16000", "11025, 16000", "8000, 16000", "44101, 16000",
            "16000, 48000"})
    void passbandSinesKeepTheirAmplitude(int source, int target) {
        double lowNyquist = Math.min(source, target) / 2.0;
        for (double f : new double[] {50, 440, 1000, 3000, 0.5 * lowNyquist, Resampler.PASSBAND_EDGE * lowNyquist}) {
            float[] out = resampleSine(f, source, target);
            int margin = target / 20;
            double gainDb = SineMeasure.db(SineMeasure.amplitude(out, f, target, margin, out.length - margin) / AMPLITUDE);
            assertTrue(Math.abs(gainDb) <= PASSBAND_RIPPLE_DB, source + " -> " + target + " at " + f + " Hz: " + gainDb);
            double otherDb = SineMeasure.db(SineMeasure.residualAmplitude(out, f, target, margin, out.length - margin)
                    / AMPLITUDE);
            assertTrue(otherDb <= -REJECTION_DB, source + " -> " + target + " at " + f + " Hz leaves " + otherDb + " dB");
        }
    }

    @ParameterizedTest
    @CsvSource({"48000, 16000", "44100, 16000", "22050, 16000", "32000, 16000", "44101, 16000"})
    void sinesAboveTheTargetNyquistAreRemoved(int source, int target) {
        for (double f : new double[] {target / 2.0, target / 2.0 + 100, 9000, 10000, 0.99 * source / 2}) {
            float[] out = resampleSine(f, source, target);
            int margin = target / 20;
            double levelDb = SineMeasure.db(SineMeasure.sineEquivalentAmplitude(out, margin, out.length - margin)
                    / AMPLITUDE);
            assertTrue(levelDb <= -REJECTION_DB, source + " -> " + target + " at " + f + " Hz: " + levelDb + " dB");
        }
    }

    @Test
    void noDelayAndNoDistortion() {
        // A 1 kHz sine at 44.1 kHz becomes the 1 kHz sine sampled at 16 kHz, sample for sample.
        float[] out = resampleSine(1000, 44100, 16000);
        float[] expected = SineMeasure.sine(AMPLITUDE, 1000, 16000, out.length);
        int margin = 800;
        float worst = 0;
        for (int i = margin; i < out.length - margin; i++) {
            worst = Math.max(worst, Math.abs(out[i] - expected[i]));
        }
        assertTrue(worst < 5e-6, "max deviation " + worst);
    }

    @Test
    void downAndUpAgainKeepsABandLimitedSignal() {
        int rate = 48000;
        float[] in = new float[rate];
        double[] freqs = {130, 1234.5, 3000, 5000, 7000};
        for (int i = 0; i < in.length; i++) {
            for (int k = 0; k < freqs.length; k++) {
                in[i] += (float) (0.15 * Math.sin(2 * Math.PI * freqs[k] * i / rate + k));
            }
        }
        Samples down = Resampler.resample(new Samples(in, rate), 16000);
        float[] back = Resampler.resample(down, rate).samples();
        assertEquals(in.length, back.length);
        float worst = 0;
        for (int i = rate / 20; i < in.length - rate / 20; i++) {
            worst = Math.max(worst, Math.abs(back[i] - in[i]));
        }
        assertTrue(worst < 1e-5, "round trip differs by " + worst);
    }

    @Test
    void equalRatesReturnTheInputItself() {
        Samples s = new Samples(new float[] {0.1f, 0.2f}, 16000);
        assertSame(s, Resampler.resample(s, 16000));
    }

    @Test
    void oneMinuteOf441kHzTakesWellUnderASecond() {
        Samples minute = new Samples(SineMeasure.sine(AMPLITUDE, 440, 44100, 60 * 44100), 44100);
        Resampler.resample(new Samples(minute.samples(), 44100), 16000); // warm up
        long start = System.nanoTime();
        Samples out = Resampler.resample(minute, 16000);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(60 * 16000, out.samples().length);
        System.out.printf("60 s of 44.1 kHz -> 16 kHz in %.3f s%n", seconds);
        assertTrue(seconds < 1.0, "took " + seconds + " s");
    }

    @Test
    void refusesImpossibleRates() {
        Samples s = new Samples(new float[10], 768000);
        assertThrows(IllegalArgumentException.class, () -> Resampler.resample(s, 0));
        assertThrows(IllegalArgumentException.class, () -> Resampler.resample(s, 2000));
    }

    private static float[] resampleSine(double f, int source, int target) {
        return Resampler.resample(new Samples(SineMeasure.sine(AMPLITUDE, f, source, source / 2), source), target)
                .samples();
    }
}
