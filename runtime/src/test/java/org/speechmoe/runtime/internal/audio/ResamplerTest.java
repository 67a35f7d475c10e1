package org.speechmoe.runtime.internal.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.speechmoe.format.Npy;

/** Agreement with torchaudio (the reference's resampler), and the quality figures docs/AUDIO.md states. */
class ResamplerTest {
    private static final double AMPLITUDE = 0.5;
    /** Passband, 50 Hz to half the lower Nyquist frequency: gain within this many dB of 0 (measured: 0.0167 dB). */
    private static final double PASSBAND_RIPPLE_DB = 0.02;
    /** Everything but the sine, for passband input (measured: -55.1 dB or lower). */
    private static final double PASSBAND_CLEAN_DB = 50;
    /** Downsampling: sines from 1.25 x the target Nyquist on are this far down (measured: -44.9 dB or lower). */
    private static final double STOPBAND_DB = 40;

    @ParameterizedTest
    @CsvSource({"8000, 16000", "22050, 16000", "44100, 16000", "48000, 16000", "32000, 16000", "11025, 16000",
            "16000, 48000", "44101, 16000"})
    void matchesTorchaudio(int source, int target) throws IOException {
        Path dir = Path.of("..", "testdata", "resample");
        float[] in = Npy.read(dir.resolve(source + "_" + target + ".in.npy")).data();
        float[] want = Npy.read(dir.resolve(source + "_" + target + ".out.npy")).data();
        float[] got = Resampler.resample(new Samples(in, source), target).samples();
        assertEquals(want.length, got.length);
        float worst = 0;
        for (int i = 0; i < want.length; i++) {
            worst = Math.max(worst, Math.abs(want[i] - got[i]));
        }
        assertTrue(worst <= 1e-6f, source + " -> " + target + ": max difference from torchaudio " + worst);
    }

    @ParameterizedTest
    @CsvSource({"48000, 16000", "44100, 16000", "22050, 16000", "11025, 16000", "8000, 16000", "44101, 16000",
            "16000, 48000"})
    void passbandSinesKeepTheirAmplitude(int source, int target) {
        double lowNyquist = Math.min(source, target) / 2.0;
        for (double f : new double[] {50, 440, 1000, 0.25 * lowNyquist, 0.5 * lowNyquist}) {
            float[] out = resampleSine(f, source, target);
            int margin = target / 20;
            double gainDb = SineMeasure.db(SineMeasure.amplitude(out, f, target, margin, out.length - margin) / AMPLITUDE);
            assertTrue(Math.abs(gainDb) <= PASSBAND_RIPPLE_DB, source + " -> " + target + " at " + f + " Hz: " + gainDb);
            double otherDb = SineMeasure.db(SineMeasure.residualAmplitude(out, f, target, margin, out.length - margin)
                    / AMPLITUDE);
            assertTrue(otherDb <= -PASSBAND_CLEAN_DB, source + " -> " + target + " at " + f + " Hz leaves " + otherDb
                    + " dB");
        }
    }

    @ParameterizedTest
    @CsvSource({"48000, 16000", "44100, 16000", "22050, 16000", "32000, 16000", "44101, 16000"})
    void sinesWellAboveTheTargetNyquistAreRemoved(int source, int target) {
        for (double f : new double[] {1.25 * target / 2, 12000, 0.99 * source / 2}) {
            if (f >= source / 2.0) {
                continue;
            }
            float[] out = resampleSine(f, source, target);
            int margin = target / 20;
            double levelDb = SineMeasure.db(SineMeasure.sineEquivalentAmplitude(out, margin, out.length - margin)
                    / AMPLITUDE);
            assertTrue(levelDb <= -STOPBAND_DB, source + " -> " + target + " at " + f + " Hz: " + levelDb + " dB");
        }
    }

    @Test
    void noDelay() {
        // A 1 kHz sine at 44.1 kHz becomes the 1 kHz sine sampled at 16 kHz, up to the passband ripple.
        float[] out = resampleSine(1000, 44100, 16000);
        float[] expected = SineMeasure.sine(AMPLITUDE, 1000, 16000, out.length);
        int margin = 800;
        float worst = 0;
        for (int i = margin; i < out.length - margin; i++) {
            worst = Math.max(worst, Math.abs(out[i] - expected[i]));
        }
        assertTrue(worst < 5e-4, "max deviation " + worst);
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
