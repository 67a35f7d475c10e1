package org.speechmoe.runtime.internal.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** How long recordings are cut: bounded segments that cover the audio, cuts in pauses, keep ranges that tile it. */
class SegmentationProperties {
    private static final int RATE = 16000;

    /** Tone bursts ("phrases") of random length separated by pauses of random length, over faint noise. */
    private static Samples phrases(long seed, int seconds, double longestPhrase, double shortestPause,
                                   double longestPause) {
        Random random = new Random(seed);
        float[] x = new float[seconds * RATE];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextGaussian() * 1e-4);
        }
        int at = 0;
        while (at < x.length) {
            int phrase = (int) ((0.5 + random.nextDouble() * (longestPhrase - 0.5)) * RATE);
            double freq = 150 + random.nextInt(300);
            for (int i = at; i < Math.min(x.length, at + phrase); i++) {
                x[i] += (float) (0.3 * Math.sin(2 * Math.PI * freq * i / RATE));
            }
            at += phrase + (int) ((shortestPause + random.nextDouble() * (longestPause - shortestPause)) * RATE);
        }
        return new Samples(x, RATE);
    }

    private static void assertTiles(List<Segmentation> segments, int n) {
        assertEquals(0, segments.getFirst().from());
        assertEquals(0, segments.getFirst().keepFrom());
        assertEquals(n, segments.getLast().to());
        assertEquals(Long.MAX_VALUE, segments.getLast().keepTo());
        for (int i = 0; i < segments.size(); i++) {
            Segmentation s = segments.get(i);
            assertTrue(s.to() - s.from() <= Segmenter.MAX_SECONDS * RATE, "segment " + i + " too long: " + s);
            assertTrue(s.from() <= s.keepFrom() && s.keepFrom() < s.keepTo(), s.toString());
            if (i > 0) {
                Segmentation previous = segments.get(i - 1);
                assertEquals(previous.keepTo(), s.keepFrom(), "keep ranges tile the recording");
                assertTrue(s.from() <= previous.to(), "segments cover the recording");
                assertTrue(s.keepFrom() <= previous.to(), "a word kept by the next segment was seen by it");
            }
        }
    }

    @Property(tries = 30)
    void longSpeechIsCutInItsPauses(@ForAll long seed, @ForAll @IntRange(min = 31, max = 200) int seconds) {
        Samples audio = phrases(seed, seconds, 6, 0.4, 1.2);
        List<Segmentation> segments = Segmentation.of(audio);
        assertTiles(segments, audio.samples().length);
        boolean[] active = VoiceActivity.of(audio);
        int hop = RATE / VoiceActivity.FRAMES_PER_SECOND;
        for (int i = 1; i < segments.size(); i++) {
            Segmentation s = segments.get(i);
            assertEquals(segments.get(i - 1).to(), s.from(), "pauses come often enough: no forced cut");
            assertFalse(active[(int) (s.from() / hop)], "cut at " + s.from() / (double) RATE + " s is not in a pause");
            assertTrue(s.from() - segments.get(i - 1).from() >= Segmenter.MIN_SECONDS * RATE);
        }
    }

    @Property(tries = 20)
    void speechWithoutPausesIsCutWithOverlap(@ForAll long seed, @ForAll @IntRange(min = 31, max = 150) int seconds) {
        // gaps shorter than a pause worth cutting at
        Samples audio = phrases(seed, seconds, 3, 0.05, 0.2);
        float[] x = audio.samples();
        List<Segmentation> segments = Segmentation.of(audio);
        assertTiles(segments, x.length);
        assertTrue(segments.size() >= 2);
        for (int i = 1; i < segments.size(); i++) {
            Segmentation previous = segments.get(i - 1);
            Segmentation s = segments.get(i);
            assertEquals((long) (Segmenter.OVERLAP_SECONDS * RATE), previous.to() - s.from(), "overlap");
            assertEquals(previous.to() - (previous.to() - s.from()) / 2, s.keepFrom(), "kept from the overlap's middle");
        }
    }

    @Property(tries = 10)
    void aStreamInBlocksOfAnySizeIsCutAsTheWholeRecording(@ForAll long seed,
            @ForAll @IntRange(min = 20, max = 100) int seconds) {
        Samples audio = phrases(seed, seconds, seed % 2 == 0 ? 6 : 3, seed % 2 == 0 ? 0.4 : 0.05, 1.2);
        List<Segmentation> whole = new java.util.ArrayList<>();
        List<float[]> wholeSamples = new java.util.ArrayList<>();
        Segmenter once = new Segmenter(RATE);
        once.accept(audio.samples(), audio.samples().length, (where, piece) -> {
            whole.add(where);
            wholeSamples.add(piece.samples());
        });
        once.finish((where, piece) -> {
            whole.add(where);
            wholeSamples.add(piece.samples());
        });
        List<Segmentation> streamed = new java.util.ArrayList<>();
        Segmenter inBlocks = new Segmenter(RATE);
        float[] x = Chopped.drain(Chopped.of(audio, seed), seed);
        Random random = new Random(seed);
        int[] index = {0};
        for (int at = 0; at < x.length; ) {
            int n = Math.min(x.length - at, 1 + random.nextInt(9000));
            float[] block = java.util.Arrays.copyOfRange(x, at, at + n);
            inBlocks.accept(block, n, (where, piece) -> {
                streamed.add(where);
                org.junit.jupiter.api.Assertions.assertArrayEquals(wholeSamples.get(index[0]++), piece.samples());
            });
            at += n;
        }
        inBlocks.finish((where, piece) -> streamed.add(where));
        assertEquals(whole, streamed);
        assertTiles(streamed, x.length);
    }

    @Test
    void aRecordingOfAtMostTheLimitIsOneSegment() {
        Samples audio = phrases(7, 30, 6, 0.4, 1.2);
        assertEquals(List.of(new Segmentation(0, audio.samples().length, 0, Long.MAX_VALUE)),
                Segmentation.of(audio));
        assertEquals(1, Segmentation.of(new Samples(new float[0], RATE)).size());
    }

    @Test
    void silenceIsInactiveAndATonePhraseActive() {
        float[] x = new float[2 * RATE];
        for (int i = RATE / 2; i < RATE; i++) {
            x[i] = (float) (0.1 * Math.sin(2 * Math.PI * 300 * i / RATE));
        }
        boolean[] active = VoiceActivity.of(new Samples(x, RATE));
        assertEquals(200, active.length);
        assertFalse(active[10]);
        assertTrue(active[70]);
        assertFalse(active[150]);
    }

    @Test
    void soundAtASteadyLevelIsActiveThroughout() {
        float[] x = new float[3 * RATE];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.1 * Math.sin(2 * Math.PI * 300 * i / RATE));
        }
        boolean[] active = VoiceActivity.of(new Samples(x, RATE));
        for (int f = 0; f < active.length; f++) {
            assertTrue(active[f], "frame " + f);
        }
    }
}
