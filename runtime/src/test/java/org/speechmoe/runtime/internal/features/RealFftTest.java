package org.speechmoe.runtime.internal.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The PocketFFT-order float FFT is a correct DFT (bit-exactness against PyTorch is covered by the fixtures). */
class RealFftTest {
    @Test
    void matchesADirectDftForEveryPowerOfTwo() {
        Random random = new Random(7);
        for (int n = 2; n <= 1024; n *= 2) {
            float[] x = new float[n];
            double energy = 0;
            for (int i = 0; i < n; i++) {
                x[i] = (float) random.nextGaussian();
                energy += x[i] * x[i];
            }
            float[] y = x.clone();
            new RealFft(n).forward(y, new float[n]);
            double worst = 0;
            for (int k = 0; k <= n / 2; k++) {
                double re = 0;
                double im = 0;
                for (int j = 0; j < n; j++) {
                    re += x[j] * Math.cos(2 * Math.PI * j * k / n);
                    im -= x[j] * Math.sin(2 * Math.PI * j * k / n);
                }
                double gotRe = k == 0 ? y[0] : y[2 * k - 1];
                double gotIm = k == 0 || k == n / 2 ? 0 : y[2 * k];
                worst = Math.max(worst, Math.hypot(gotRe - re, gotIm - im));
            }
            // Float rounding grows like sqrt(n log n) times the signal's norm.
            assertTrue(worst < 1e-6 * Math.sqrt(energy * n), "n=" + n + ": error " + worst);
        }
    }

    @Test
    void onlyPowersOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new RealFft(400));
        assertThrows(IllegalArgumentException.class, () -> new RealFft(1));
        assertEquals(512, new RealFft(512).size());
    }
}
