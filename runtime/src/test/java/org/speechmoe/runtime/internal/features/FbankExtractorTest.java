package org.speechmoe.runtime.internal.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.speechmoe.runtime.internal.audio.Samples;

class FbankExtractorTest {
    private static final FbankExtractor FBANK = new FbankExtractor(16000, 80, 25, 10);
    private static final float LOG_FLOAT_EPSILON = (float) Math.log(Math.ulp(1f));

    @Test
    void framesFollowSnipEdges() {
        assertEquals(0, FBANK.numFrames(0));
        assertEquals(0, FBANK.numFrames(399));
        assertEquals(1, FBANK.numFrames(400));
        assertEquals(1, FBANK.numFrames(559));
        assertEquals(2, FBANK.numFrames(560));
        assertEquals(98, FBANK.numFrames(16000));
    }

    @Test
    void lessThanOneWindowGivesNoFrames() {
        Features f = FBANK.compute(new float[399]);
        assertEquals(0, f.frames());
        assertEquals(80, f.bins());
        assertEquals(0, f.data().length);
    }

    @Test
    void digitalSilenceSitsOnTheLogFloor() {
        Features f = FBANK.compute(new float[16000]);
        for (float v : f.data()) {
            assertEquals(LOG_FLOAT_EPSILON, v);
        }
        assertEquals(-15.942385f, LOG_FLOAT_EPSILON, 1e-6f);
    }

    @Test
    void aToneLightsTheMelBinsAroundItsFrequency() {
        float[] tone = new float[8000];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (float) (0.3 * Math.sin(2 * Math.PI * 1000 * i / 16000.0));
        }
        Features f = FBANK.compute(tone);
        int loudest = 0;
        for (int b = 1; b < f.bins(); b++) {
            loudest = f.get(20, b) > f.get(20, loudest) ? b : loudest;
        }
        // Mel bin b is centred at mel(20 Hz) + (b + 1) * (mel(8000 Hz) - mel(20 Hz)) / 81; 1 kHz falls at b = 22.
        double melDelta = (MelFilterbank.mel(8000) - MelFilterbank.mel(20)) / 81;
        int expected = (int) Math.round((MelFilterbank.mel(1000) - MelFilterbank.mel(20)) / melDelta) - 1;
        assertEquals(expected, loudest);
    }

    @Test
    void otherConfigurations() {
        FbankExtractor narrow = new FbankExtractor(8000, 40, 25, 10);
        assertEquals(40, narrow.numMelBins());
        assertEquals(8000, narrow.sampleRate());
        float[] noise = new float[8000];
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) (0.1 * random.nextGaussian());
        }
        Features f = narrow.compute(new Samples(noise, 8000));
        assertEquals(98, f.frames());
        for (float v : f.data()) {
            assertTrue(Float.isFinite(v) && v > LOG_FLOAT_EPSILON, "value " + v);
        }
    }

    @Test
    void refusesAudioAtAnotherRateAndBadOptions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FBANK.compute(new Samples(new float[1000], 8000)));
        assertTrue(e.getMessage().contains("resample"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FbankExtractor(16000, 3, 25, 10));
        assertThrows(IllegalArgumentException.class, () -> new FbankExtractor(16000, 80, 0.05, 10));
        assertThrows(IllegalArgumentException.class, () -> new FbankExtractor(16000, 80, 25, 0));
        assertThrows(IllegalArgumentException.class, () -> new FbankExtractor(40, 80, 25, 10));
    }

    @Test
    void oneExtractorServesManyThreads() throws Exception {
        float[][] inputs = new float[8][];
        for (int k = 0; k < inputs.length; k++) {
            inputs[k] = new float[16000];
            for (int i = 0; i < inputs[k].length; i++) {
                inputs[k][i] = (float) Math.sin(i * 0.01 * (k + 1)) * 0.2f;
            }
        }
        List<float[]> sequential = new ArrayList<>();
        for (float[] in : inputs) {
            sequential.add(FBANK.compute(in).data());
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<float[]>> parallel = new ArrayList<>();
            for (float[] in : inputs) {
                parallel.add(pool.submit(() -> FBANK.compute(in).data()));
            }
            for (int k = 0; k < inputs.length; k++) {
                assertArrayEquals(sequential.get(k), parallel.get(k).get());
            }
        }
    }

    @Test
    void theWindowIsThePoveyFormula() {
        for (int size : new int[] {400, 200, 551}) {
            float[] w = PoveyWindow.of(size);
            for (int i = 0; i < size; i++) {
                double exact = Math.pow(0.5 - 0.5 * Math.cos(2 * Math.PI * i / (size - 1)), 0.85);
                assertEquals(exact, w[i], 1e-6, "size " + size + " index " + i);
            }
        }
    }
}
