package org.speechmoe.runtime.internal.decoder;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A quick check, not a benchmark: a minute of speech-like CTC output (25 frames a second, the default model's 57
 * pieces) through a beam of 8 with a trigram model, against the clock. It prints the time; it fails only when the
 * decoder is nowhere near real time, so that a busy machine does not fail it.
 */
class DecodingSpeedTest {
    private static final List<String> LETTERS = HotwordAutomatonTest.letters();
    private static final int FRAMES_PER_SECOND = 25;
    private static final int SECONDS = 60;

    /**
     * Rows like a trained CTC model's: mostly a confident blank, every third frame or so a confident piece, Gaussian
     * noise on the logits so that several pieces compete.
     */
    static LogProbs speechLike(int frames, int vocab, long seed) {
        Random random = new Random(seed);
        double[][] logits = new double[frames][vocab];
        for (double[] row : logits) {
            int peak = random.nextInt(3) == 0 ? 1 + random.nextInt(vocab - 1) : LogProbs.BLANK;
            for (int v = 0; v < vocab; v++) {
                row[v] = 1.5 * random.nextGaussian() + (v == peak ? 7 : 0);
            }
        }
        return CtcPrefixBeamSearchProperties.logSoftmax(logits, vocab);
    }

    /** Three thousand random words of 1 to 7 letters, with about 30 000 bigrams and trigrams. */
    static TrigramTestModel trigramModel() {
        Random random = new Random(5);
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            char[] w = new char[1 + random.nextInt(7)];
            for (int k = 0; k < w.length; k++) {
                w[k] = (char) ('a' + random.nextInt(26));
            }
            words.add(new String(w));
        }
        return TrigramTestModel.random(words, 9, 30_000.0 / (3003.0 * 3003), 30_000.0 / (3003.0 * 3003 * 3003));
    }

    @Test
    void aMinuteDecodesFarFasterThanRealTime() {
        LogProbs minute = speechLike(SECONDS * FRAMES_PER_SECOND, LETTERS.size(), 1);
        TrigramTestModel lm = trigramModel();
        report("plain", minute, SearchOptions.builder(8).build());
        double fused = report("trigram", minute, SearchOptions.builder(8).languageModel(lm, 0.8, 1.0).build());
        report("trigram, 32 tokens a frame", minute, SearchOptions.builder(8).tokenPruning(32,
                Float.NEGATIVE_INFINITY).languageModel(lm, 0.8, 1.0).build());
        report("trigram, lexicon, hotwords", minute, SearchOptions.builder(8).languageModel(lm, 0.8, 1.0)
                .lexiconConstrained(true).hotwords(List.of(SearchOptions.Hotword.of("hello world"),
                        SearchOptions.Hotword.of("speech")), 1).build());
        assertTrue(fused < SECONDS / 4.0, "a minute took " + fused + " s");
    }

    /** The best of five runs, after two to warm up, in seconds. */
    private static double report(String what, LogProbs logProbs, SearchOptions options) {
        BeamDecoder decoder = new BeamDecoder(options, LETTERS);
        double best = Double.POSITIVE_INFINITY;
        for (int run = 0; run < 7; run++) {
            long start = System.nanoTime();
            decoder.decode(logProbs);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (run >= 2) {
                best = Math.min(best, seconds);
            }
        }
        System.out.printf("%d s of audio, beam 8, %s: %.1f ms (real-time factor %.4f)%n", SECONDS, what, best * 1e3,
                best / SECONDS);
        return best;
    }
}
