package org.speechmoe.runtime.internal.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FrameTimingTest {
    private static final double EPS = 1e-12;
    /** conv2d 4x subsampling of 25 ms / 10 ms fbank frames: output frame t sees feature frames 4t .. 4t+6. */
    private static final FrameTiming CONV2D = new FrameTiming(0.010, 0.025, 4, 7);

    @Test
    void aFrameIsTheCentreOfItsMiddleFeatureFrame() {
        // feature frames 0..6 cover 0 .. 85 ms; the middle one, 3, covers 30 .. 55 ms
        assertEquals(0.0425, CONV2D.time(0), EPS);
        assertEquals(0.0825, CONV2D.time(1), EPS);
        assertEquals(0.04, CONV2D.step(), EPS);
        // conv2d6: 3x3 stride 2 then 5x5 stride 3, feature frames 6t .. 6t+10, middle 6t+5
        assertEquals(0.0625 + 0.06 * 10, new FrameTiming(0.010, 0.025, 6, 11).time(10), EPS);
    }

    @Test
    void aTokenLastsFromItsFirstFrameToOneStepPastItsLast() {
        assertEquals(0.0825, CONV2D.start(1, 10), EPS);
        assertEquals(0.1225 + 0.04, CONV2D.end(2, 10), EPS);
        assertEquals(0.0825 + 0.04, CONV2D.end(1, 10), EPS, "a one-frame token lasts one step");
    }

    @Test
    void timesAreClippedToTheAudio() {
        // 1 s of audio: 98 fbank frames, 23 output frames; the last one's end is 0.9625 s
        assertEquals(0.9625, CONV2D.end(22, 1.0), EPS);
        assertEquals(0.95, CONV2D.end(22, 0.95), EPS);
        assertEquals(0.95, CONV2D.start(23, 0.95), EPS);
    }

    @Test
    void timesGrowWithTheFrameAndTokensDoNotOverlap() {
        for (int t = 0; t < 1000; t++) {
            assertTrue(CONV2D.time(t + 1) > CONV2D.time(t));
            assertTrue(CONV2D.start(t, 100) < CONV2D.end(t, 100));
            assertTrue(CONV2D.end(t, 100) <= CONV2D.start(t + 1, 100) + EPS);
        }
    }

    @Test
    void nonsenseIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FrameTiming(0, 0.025, 4, 7));
        assertThrows(IllegalArgumentException.class, () -> new FrameTiming(0.01, Double.NaN, 4, 7));
        assertThrows(IllegalArgumentException.class, () -> new FrameTiming(0.01, 0.025, 0, 7));
    }
}
