package org.speechmoe.runtime.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.speechmoe.format.DType;
import org.speechmoe.runtime.ReferenceFixtures;
import org.speechmoe.runtime.internal.audio.Samples;
import org.speechmoe.runtime.internal.audio.WavReader;

/**
 * A causal model streams exactly: an utterance's final result is the decoding of the chunked encoder's frames it
 * spans, as {@link Recognizer#logits(Path, int, int)} computes them for the whole recording, whatever the blocks.
 */
class ExactStreamingTest {
    private static final String CAUSAL = "ctc_causal_ln_swish_e4";
    private static final double STEP = 0.04;

    private static List<Utterance> stream(StreamingRecognizer s, float[] x, int rate, int seed) {
        Random random = new Random(seed);
        List<Utterance> out = new ArrayList<>();
        for (int at = 0; at < x.length; ) {
            int n = Math.min(x.length - at, seed == 0 ? x.length : 1 + random.nextInt(2000));
            out.addAll(s.accept(x, at, n, rate));
            at += n;
        }
        out.addAll(s.finish());
        return out;
    }

    @Test
    void aCausalModelsFinalIsTheChunkedEncodersFramesDecoded() throws Exception {
        Path model = ReferenceFixtures.smoe(CAUSAL, DType.F32);
        StreamOptions options = StreamOptions.defaults().withChunkSize(4)
                .withSilenceAfterSpeech(Double.POSITIVE_INFINITY).withSilenceWithoutSpeech(Double.POSITIVE_INFINITY);
        try (SpeechMoeModel m = SpeechMoeModel.open(model); Recognizer r = m.newRecognizer()) {
            for (String wav : List.of("mixed", "vowels", "chirp")) {
                Samples audio = WavReader.read(ReferenceFixtures.wav(wav));
                List<Utterance> whole;
                try (StreamingRecognizer s = m.newStream(RecognizerOptions.defaults(), options)) {
                    assertTrue(s.isExact());
                    whole = stream(s, audio.samples(), audio.sampleRate(), 0);
                    for (int seed = 1; seed <= 2; seed++) {
                        s.reset();
                        List<Utterance> blocks = stream(s, audio.samples(), audio.sampleRate(), seed);
                        assertEquals(whole.size(), blocks.size());
                        for (int i = 0; i < whole.size(); i++) {
                            assertEquals(whole.get(i).transcript().tokens(), blocks.get(i).transcript().tokens());
                        }
                    }
                }
                assertEquals(1, whole.size(), wav + ": " + whole);
                Utterance u = whole.getFirst();
                assertFalse(u.transcript().tokens().isEmpty(), wav);
                Logits all = r.logits(ReferenceFixtures.wav(wav), 4, -1);
                int from = (int) Math.round(u.start() / STEP);
                int to = (int) Math.round(u.end() / STEP);
                assertEquals(u.start(), from * STEP, 1e-9, "starts on a frame");
                Logits part = new Logits(Arrays.copyOfRange(all.logProbs(), from * all.vocab(), to * all.vocab()),
                        to - from, all.vocab(), new int[0], new float[0], 0, new float[0], all.experts());
                List<Token> expected = r.decode(part).tokens();
                assertEquals(expected.size(), u.transcript().tokens().size(), wav);
                for (int k = 0; k < expected.size(); k++) {
                    Token e = expected.get(k);
                    Token t = u.transcript().tokens().get(k);
                    assertEquals(e.id(), t.id());
                    assertEquals(e.start() + u.start(), t.start(), 1e-6);
                    assertEquals(e.probability(), t.probability(), 1e-4);
                }
            }
        }
    }

    @Test
    void aFullContextModelStreamsApproximatelyAndRefusesAChunkSize() throws Exception {
        Path model = ReferenceFixtures.smoe("ctc_ln_swish_e2", DType.F32);
        try (SpeechMoeModel m = SpeechMoeModel.open(model)) {
            try (StreamingRecognizer s = m.newStream()) {
                assertFalse(s.isExact());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.newStream(RecognizerOptions.defaults(), StreamOptions.defaults().withChunkSize(4)));
            assertTrue(e.getMessage().contains("full-context"), e.getMessage());
            try (StreamingRecognizer s = m.newStream(RecognizerOptions.defaults(),
                    StreamOptions.defaults().withChunkSize(StreamOptions.APPROXIMATE))) {
                assertFalse(s.isExact());
            }
        }
        try (SpeechMoeModel m = SpeechMoeModel.open(ReferenceFixtures.smoe(CAUSAL, DType.F32));
             StreamingRecognizer s = m.newStream(RecognizerOptions.defaults(),
                     StreamOptions.defaults().withChunkSize(StreamOptions.APPROXIMATE))) {
            assertFalse(s.isExact());
        }
    }
}
