package org.speechmoe.runtime.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.speechmoe.runtime.internal.audio.Resampler;
import org.speechmoe.runtime.internal.audio.Samples;
import org.speechmoe.runtime.internal.audio.WavReader;

/**
 * A stream cuts spoken commands separated by pauses into one utterance each, whatever the block sizes, and each
 * utterance's final result is the offline recognition of its samples.
 */
class StreamingRecognizerTest {
    private static final Path DEFAULT_MODEL = Path.of("..", "default-model", "src", "main", "resources", "speechmoe",
            "default-model.smoe");
    private static final Path COMMANDS = Path.of("..", "testdata", "commands");
    private static final int RATE = 16000;

    private static SpeechMoeModel model;
    /** Silence, three commands with 2 s pauses, a short tail: and where each command lies. */
    private static float[] audio;
    private static final List<int[]> SPOKEN = new ArrayList<>();

    @BeforeAll
    static void open() throws IOException {
        model = SpeechMoeModel.open(DEFAULT_MODEL);
        float[][] parts = new float[7][];
        parts[0] = new float[RATE / 2];
        parts[1] = command("close-door");
        parts[2] = new float[2 * RATE];
        parts[3] = command("turn-left");
        parts[4] = new float[2 * RATE];
        parts[5] = command("play-music");
        parts[6] = new float[RATE / 4];
        int total = 0;
        for (float[] p : parts) {
            total += p.length;
        }
        audio = new float[total];
        int at = 0;
        for (int i = 0; i < parts.length; i++) {
            if (i % 2 == 1) {
                SPOKEN.add(new int[] {at, at + parts[i].length});
            }
            System.arraycopy(parts[i], 0, audio, at, parts[i].length);
            at += parts[i].length;
        }
    }

    private static float[] command(String name) throws IOException {
        Samples s = WavReader.read(COMMANDS.resolve(name + ".wav"));
        assertEquals(RATE, s.sampleRate());
        return s.samples();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** What a result says, without the time it took to compute. */
    private record Said(double start, double end, String text, List<Token> tokens, Utterance.Ending ending) {
        static Said of(Utterance u) {
            return new Said(u.start(), u.end(), u.transcript().text(), u.transcript().tokens(), u.ending());
        }
    }

    /** The stream's finals for {@code x} fed in blocks of the sizes {@code blocks} gives in turn. */
    private static List<Said> stream(StreamingRecognizer s, float[] x, int rate, IntSupplier blocks) {
        List<Said> said = new ArrayList<>();
        for (int at = 0; at < x.length; ) {
            int n = Math.min(x.length - at, blocks.getAsInt());
            s.accept(x, at, n, rate).forEach(u -> said.add(Said.of(u)));
            at += n;
        }
        s.finish().forEach(u -> said.add(Said.of(u)));
        return said;
    }

    @Test
    void eachCommandIsOneUtteranceWhoseFinalIsTheOfflineResultOfItsSamples() {
        List<Said> said;
        try (StreamingRecognizer s = model.newStream()) {
            said = stream(s, audio, RATE, () -> RATE / 100);
        }
        assertEquals(3, said.size(), said.toString());
        try (Recognizer r = model.newRecognizer()) {
            for (int i = 0; i < 3; i++) {
                Said u = said.get(i);
                int[] spoken = SPOKEN.get(i);
                assertTrue(u.start() * RATE <= spoken[0] && u.end() * RATE >= spoken[1], u + " holds the command");
                assertEquals(i < 2 ? Utterance.Ending.SILENCE_AFTER_SPEECH : Utterance.Ending.END_OF_STREAM,
                        u.ending());
                float[] own = Arrays.copyOfRange(audio, (int) Math.round(u.start() * RATE),
                        (int) Math.round(u.end() * RATE));
                Transcript offline = r.transcribe(own, RATE);
                assertFalse(offline.text().isEmpty());
                assertEquals(offline.text(), u.text());
                List<Token> shifted = offline.tokens().stream().map(t -> new Token(t.id(), t.text(),
                        t.start() + u.start(), t.end() + u.start(), t.probability())).toList();
                assertEquals(shifted.size(), u.tokens().size());
                for (int k = 0; k < shifted.size(); k++) {
                    assertEquals(shifted.get(k).text(), u.tokens().get(k).text());
                    assertEquals(shifted.get(k).start(), u.tokens().get(k).start(), 1e-9);
                    assertEquals(shifted.get(k).end(), u.tokens().get(k).end(), 1e-9);
                }
            }
        }
    }

    @Test
    void resultsDoNotDependOnBlockSizes() {
        try (StreamingRecognizer s = model.newStream()) {
            List<Said> whole = stream(s, audio, RATE, () -> Integer.MAX_VALUE);
            s.reset();
            List<Said> tenMs = stream(s, audio, RATE, () -> RATE / 100);
            s.reset();
            Random random = new Random(7);
            List<Said> ragged = stream(s, audio, RATE, () -> random.nextInt(3000));
            assertEquals(whole, tenMs);
            assertEquals(whole, ragged);
        }
    }

    @Test
    void audioAtAnotherRateIsResampledAsItArrives() {
        Samples at44k = Resampler.resample(new Samples(audio, RATE), 44100);
        try (StreamingRecognizer s = model.newStream()) {
            List<Said> blocks = stream(s, at44k.samples(), 44100, () -> 441);
            s.reset();
            List<Said> whole = stream(s, at44k.samples(), 44100, () -> Integer.MAX_VALUE);
            assertEquals(whole, blocks);
            assertEquals(3, blocks.size(), blocks.toString());
        }
    }

    @Test
    void streamsOnOneModelInParallelEqualOneAtATime() throws Exception {
        List<Said> alone;
        try (StreamingRecognizer s = model.newStream()) {
            alone = stream(s, audio, RATE, () -> 1600);
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<List<Said>>> runs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int block = 160 * (i + 1);
                runs.add(pool.submit(() -> {
                    try (StreamingRecognizer s = model.newStream()) {
                        return stream(s, audio, RATE, () -> block);
                    }
                }));
            }
            for (Future<List<Said>> run : runs) {
                assertEquals(alone, run.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void partialResultsFollowTheUtteranceInProgress() {
        try (StreamingRecognizer s = model.newStream()) {
            int end = SPOKEN.getFirst()[1];
            assertTrue(s.accept(audio, 0, end, RATE).isEmpty());
            Utterance partial = s.partial();
            assertNotNull(partial);
            assertEquals(Utterance.Ending.IN_PROGRESS, partial.ending());
            assertFalse(partial.isFinal());
            assertTrue(partial.end() <= s.seconds() + 1e-9 && partial.end() > s.seconds() - 0.5, partial.toString());
            List<Utterance> done = s.accept(audio, end, 2 * RATE, RATE);
            assertEquals(1, done.size());
            assertTrue(done.getFirst().isFinal());
            assertNull(s.partial(), "nothing heard of the next utterance yet");
        }
    }

    /** Digital silence, and a quiet microphone's hiss: the model writes words into both, the stream must not. */
    @Test
    void silenceGivesNoUtterance() {
        Random random = new Random(3);
        float[] hiss = new float[RATE];
        for (int i = 0; i < hiss.length; i++) {
            hiss[i] = (float) (3e-4 * random.nextGaussian());
        }
        for (float[] second : List.of(new float[RATE], hiss)) {
            try (StreamingRecognizer s = model.newStream()) {
                for (int i = 0; i < 30; i++) {
                    assertTrue(s.accept(second, RATE).isEmpty());
                    assertNull(s.partial());
                }
                assertEquals(30, s.seconds(), 1e-9);
                assertTrue(s.finish().isEmpty());
            }
        }
    }

    @Test
    void speechWithoutPausesIsCutAtTheLongestUtterance() {
        float[] talk = new float[0];
        for (int[] spoken : SPOKEN) {
            int from = talk.length;
            talk = Arrays.copyOf(talk, from + spoken[1] - spoken[0]);
            System.arraycopy(audio, spoken[0], talk, from, spoken[1] - spoken[0]);
        }
        StreamOptions options = StreamOptions.defaults().withMaxUtterance(1.5);
        try (StreamingRecognizer s = model.newStream(RecognizerOptions.defaults(), options)) {
            List<Said> said = stream(s, talk, RATE, () -> 800);
            assertTrue(said.size() >= 2, said.toString());
            for (int i = 0; i < said.size() - 1; i++) {
                assertEquals(Utterance.Ending.MAX_LENGTH, said.get(i).ending());
                assertEquals(1.5, said.get(i).end() - said.get(i).start(), 1e-3);
                assertEquals(said.get(i).end(), said.get(i + 1).start(), 1e-9, "utterances tile the stream");
            }
        }
    }

    @Test
    void misuseIsRefusedWithAMessage() {
        StreamingRecognizer s = model.newStream();
        assertThrows(IllegalArgumentException.class, () -> s.accept(new float[10], 1000));
        assertThrows(IndexOutOfBoundsException.class, () -> s.accept(new float[10], 5, 6, RATE));
        s.finish();
        assertEquals(List.of(), s.finish(), "finishing again gives nothing more");
        IllegalStateException finished = assertThrows(IllegalStateException.class,
                () -> s.accept(new float[10], RATE));
        assertTrue(finished.getMessage().contains("reset"), finished.getMessage());
        s.reset();
        assertTrue(s.accept(new float[10], RATE).isEmpty());
        s.close();
        s.close();
        assertThrows(IllegalStateException.class, () -> s.accept(new float[10], RATE));
        assertThrows(IllegalArgumentException.class, () -> StreamOptions.defaults().withMaxUtterance(31));
        assertThrows(IllegalArgumentException.class, () -> StreamOptions.defaults().withPartialInterval(0));
        assertThrows(IllegalArgumentException.class, () -> StreamOptions.defaults().withSilenceAfterSpeech(-1));
        assertEquals(StreamOptions.MAX_UTTERANCE_LIMIT,
                StreamOptions.defaults().withMaxUtterance(Double.POSITIVE_INFINITY).maxUtterance());
    }
}
