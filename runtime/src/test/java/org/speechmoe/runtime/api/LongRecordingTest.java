package org.speechmoe.runtime.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.speechmoe.format.DType;
import org.speechmoe.runtime.ReferenceFixtures;
import org.speechmoe.runtime.internal.audio.Samples;
import org.speechmoe.runtime.internal.audio.Segmentation;
import org.speechmoe.runtime.internal.audio.WavReader;

/**
 * A recording longer than one segment is recognized segment by segment: its transcript is the segments' transcripts
 * one after the other, with every time moved to the recording's clock, and its expert usage counts every frame once.
 */
class LongRecordingTest {
    @Test
    void aLongRecordingIsItsSegmentsInRecordingTime() throws Exception {
        // the three test utterances, each followed by a second of silence, over and over: 70 s
        List<float[]> parts = new ArrayList<>();
        int rate = 0;
        for (String u : List.of("mixed", "vowels", "chirp")) {
            Samples s = WavReader.read(ReferenceFixtures.wav(u));
            rate = s.sampleRate();
            parts.add(s.samples());
            parts.add(new float[rate]);
        }
        List<Float> all = new ArrayList<>();
        while (all.size() < 70 * rate) {
            for (float[] p : parts) {
                for (float v : p) {
                    all.add(v);
                }
            }
        }
        float[] x = new float[all.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = all.get(i);
        }
        Samples audio = new Samples(x, rate);
        List<Segmentation> segments = Segmentation.of(audio);
        assertTrue(segments.size() >= 3, segments.toString());

        try (SpeechMoeModel m = SpeechMoeModel.open(ReferenceFixtures.smoe("ctc_ln_relu_e6_d36", DType.F32));
             Recognizer r = m.newRecognizer()) {
            Transcript whole = r.transcribe(x, rate);
            List<Token> expected = new ArrayList<>();
            List<String> words = new ArrayList<>();
            int[] frames = new int[whole.expertUsage().size()];
            for (Segmentation s : segments) {
                assertEquals(s.from(), s.keepFrom(), "cut at a pause, not forced");
                double offset = s.from() / (double) rate;
                Transcript piece = r.transcribe(Arrays.copyOfRange(x, (int) s.from(), (int) s.to()), rate);
                for (Token t : piece.tokens()) {
                    expected.add(new Token(t.id(), t.text(), t.start() + offset, t.end() + offset, t.probability()));
                }
                piece.words().forEach(w -> words.add(w.text()));
                for (ExpertUsage u : piece.expertUsage()) {
                    frames[u.block()] += u.framesPerExpert().stream().mapToInt(Integer::intValue).sum();
                }
            }
            assertEquals(expected, whole.tokens());
            assertEquals(String.join(" ", words), whole.text());
            for (ExpertUsage u : whole.expertUsage()) {
                assertEquals(frames[u.block()], u.framesPerExpert().stream().mapToInt(Integer::intValue).sum());
            }
            assertEquals(x.length / (double) rate, whole.audioSeconds(), 1e-9);
            for (int i = 1; i < whole.tokens().size(); i++) {
                assertTrue(whole.tokens().get(i).start() >= whole.tokens().get(i - 1).start(), "tokens in order");
            }
        }
    }
}
