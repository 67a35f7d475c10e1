package org.speechmoe.runtime.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.speechmoe.format.DType;
import org.speechmoe.runtime.ReferenceFixtures;
import org.speechmoe.runtime.internal.audio.Samples;
import org.speechmoe.runtime.internal.audio.WavReader;

/**
 * Streams of a {@link StreamGroup} give what a {@link StreamingRecognizer} each gives for the same samples, on the
 * causal fixture (random weights: its "words" are noise, but they are the same noise), whatever the blocks, the
 * phases of the streams and the moments of {@code decode()}.
 */
class StreamGroupTest {
    private static final String CAUSAL = "ctc_causal_ln_swish_e4";
    /** Short utterances, so that several end within the fixture's seconds of audio. */
    private static final StreamOptions OPTIONS = StreamOptions.defaults().withChunkSize(4).withMaxUtterance(1.5)
            .withSilenceAfterSpeech(0.5).withSilenceWithoutSpeech(1.0).withPartialInterval(0.2);

    private static SpeechMoeModel model;
    /** The fixture's recordings, each at its own rate. */
    private static final List<Samples> AUDIO = new ArrayList<>();

    @BeforeAll
    static void open() throws IOException {
        model = SpeechMoeModel.open(ReferenceFixtures.smoe(CAUSAL, DType.F32));
        for (String wav : List.of("mixed", "vowels", "chirp")) {
            AUDIO.add(WavReader.read(ReferenceFixtures.wav(wav)));
        }
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** What a result says, without the time it took to compute; its tokens' probabilities apart. */
    private record Said(double start, double end, String text, List<Integer> tokens, List<Double> probabilities,
            Utterance.Ending ending) {
        static Said of(Utterance u) {
            return new Said(u.start(), u.end(), u.transcript().text(),
                    u.transcript().tokens().stream().map(Token::id).toList(),
                    u.transcript().tokens().stream().map(t -> (double) t.probability()).toList(), u.ending());
        }

        /** This without the probabilities, which may differ by float rounding. */
        Said exact() {
            return new Said(start, end, text, tokens, List.of(), ending);
        }
    }

    /** The same utterances, token by token; probabilities within 1e-4. */
    private static void assertSaid(List<Said> expected, List<Said> got, String where) {
        assertEquals(expected.stream().map(Said::exact).toList(), got.stream().map(Said::exact).toList(), where);
        for (int u = 0; u < expected.size(); u++) {
            for (int k = 0; k < expected.get(u).probabilities().size(); k++) {
                assertEquals(expected.get(u).probabilities().get(k), got.get(u).probabilities().get(k), 1e-4,
                        where + " utterance " + u + " token " + k);
            }
        }
    }

    /** Audio of stream i: a recording repeated, so that it has several utterances. */
    private static Samples audio(int i) {
        Samples one = AUDIO.get(i % AUDIO.size());
        int copies = 2 + i % 2;
        float[] all = new float[one.samples().length * copies];
        for (int c = 0; c < copies; c++) {
            System.arraycopy(one.samples(), 0, all, c * one.samples().length, one.samples().length);
        }
        return new Samples(all, one.sampleRate());
    }

    private static List<Said> alone(Samples audio, RecognizerOptions options) {
        List<Said> out = new ArrayList<>();
        try (StreamingRecognizer s = model.newStream(options, OPTIONS)) {
            assertTrue(s.isExact());
            s.accept(audio.samples(), audio.sampleRate()).forEach(u -> out.add(Said.of(u)));
            s.finish().forEach(u -> out.add(Said.of(u)));
        }
        return out;
    }

    @Test
    void eachStreamOfAGroupGivesWhatItGivesAlone() {
        RecognizerOptions options = RecognizerOptions.defaults().withThreads(2);
        int n = 5;
        List<List<Said>> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(alone(audio(i), options));
        }
        assertTrue(expected.stream().mapToInt(List::size).sum() >= n, "too few utterances: " + expected);
        Random random = new Random(5);
        try (StreamGroup group = model.newStreamGroup(options, OPTIONS)) {
            List<GroupedStream> streams = new ArrayList<>();
            int[] at = new int[n];
            int[] delay = new int[n];
            List<List<Said>> got = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                streams.add(group.newStream());
                delay[i] = random.nextInt(8);
                got.add(new ArrayList<>());
            }
            List<Samples> audio = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                audio.add(audio(i));
            }
            for (int step = 0; streams.stream().anyMatch(s -> !s.isFinished()); step++) {
                for (int i = 0; i < n; i++) {
                    Samples a = audio.get(i);
                    if (step < delay[i] || at[i] > a.samples().length) {
                        continue;
                    }
                    int k = Math.min(a.samples().length - at[i], random.nextInt(3000));
                    streams.get(i).accept(a.samples(), at[i], k, a.sampleRate());
                    at[i] += k;
                    if (at[i] == a.samples().length) {
                        streams.get(i).finish();
                        at[i]++;
                    }
                }
                if (random.nextInt(3) > 0) {
                    List<GroupedStream> changed = group.decode();
                    for (int i = 0; i < n; i++) {
                        List<Utterance> taken = streams.get(i).takeUtterances();
                        if (!taken.isEmpty()) {
                            assertTrue(changed.contains(streams.get(i)), "stream " + i + " got utterances unsaid");
                        }
                        List<Said> mine = got.get(i);
                        taken.forEach(u -> mine.add(Said.of(u)));
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                assertSaid(expected.get(i), got.get(i), "stream " + i);
            }
        }
    }

    @Test
    void streamsFedFromTheirOwnThreadsWhileOneThreadDecodes() throws Exception {
        RecognizerOptions options = RecognizerOptions.defaults().withThreads(1);
        int n = 4;
        List<List<Said>> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(alone(audio(i), options));
        }
        ExecutorService feeders = Executors.newFixedThreadPool(n);
        try (StreamGroup group = model.newStreamGroup(options, OPTIONS)) {
            List<GroupedStream> streams = new ArrayList<>();
            List<Future<?>> fed = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                GroupedStream s = group.newStream();
                streams.add(s);
                Samples a = audio(i);
                Random random = new Random(i);
                fed.add(feeders.submit(() -> {
                    for (int at = 0; at < a.samples().length; ) {
                        int k = Math.min(a.samples().length - at, 1 + random.nextInt(4000));
                        s.accept(a.samples(), at, k, a.sampleRate());
                        at += k;
                        Thread.yield();
                    }
                    s.finish();
                    return null;
                }));
            }
            List<List<Said>> got = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                got.add(new ArrayList<>());
            }
            while (streams.stream().anyMatch(s -> !s.isFinished())) {
                group.decode();
                for (int i = 0; i < n; i++) {
                    List<Said> mine = got.get(i);
                    streams.get(i).takeUtterances().forEach(u -> mine.add(Said.of(u)));
                }
            }
            for (Future<?> f : fed) {
                f.get();
            }
            for (int i = 0; i < n; i++) {
                assertSaid(expected.get(i), got.get(i), "stream " + i);
            }
        } finally {
            feeders.shutdownNow();
        }
    }

    @Test
    void aResetStreamStartsAgainAndAClosedOneLeaves() {
        RecognizerOptions options = RecognizerOptions.defaults().withThreads(1);
        Samples a = audio(0);
        List<Said> expected = alone(a, options);
        try (StreamGroup group = model.newStreamGroup(options, OPTIONS)) {
            GroupedStream s = group.newStream();
            GroupedStream other = group.newStream();
            s.accept(a.samples(), 0, a.samples().length / 2, a.sampleRate());
            other.accept(a.samples(), a.sampleRate());
            group.decode();
            s.reset();
            assertTrue(s.takeUtterances().isEmpty());
            assertEquals(0, s.seconds());
            s.accept(a.samples(), a.sampleRate());
            s.finish();
            assertThrows(IllegalStateException.class, () -> s.accept(a.samples(), a.sampleRate()));
            other.close();
            assertEquals(List.of(s), group.streams());
            assertTrue(group.decode().contains(s));
            assertTrue(s.isFinished());
            assertSaid(expected, s.takeUtterances().stream().map(Said::of).toList(), "after reset");
            assertThrows(IllegalStateException.class, () -> other.accept(a.samples(), a.sampleRate()));
            s.reset();
            assertFalse(s.isFinished());
            s.accept(a.samples(), a.sampleRate());
            s.finish();
            group.decode();
            assertSaid(expected, s.takeUtterances().stream().map(Said::of).toList(), "after reset");
        }
    }

    @Test
    void onlyCausalModelsInExactModeAreGrouped() throws IOException {
        try (SpeechMoeModel full = SpeechMoeModel.open(ReferenceFixtures.smoe("ctc_ln_swish_e2", DType.F32))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> full.newStreamGroup(RecognizerOptions.defaults(), StreamOptions.defaults()));
            assertTrue(e.getMessage().contains("full-context"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
        assertThrows(IllegalArgumentException.class, () -> model.newStreamGroup(RecognizerOptions.defaults(),
                StreamOptions.defaults().withChunkSize(StreamOptions.APPROXIMATE)));
        StreamGroup group = model.newStreamGroup(RecognizerOptions.defaults(), StreamOptions.defaults());
        assertEquals(0.64, group.chunkSeconds(), 1e-9);
        GroupedStream s = group.newStream();
        group.close();
        group.close();
        assertThrows(IllegalStateException.class, group::decode);
        assertThrows(IllegalStateException.class, group::newStream);
        assertThrows(IllegalStateException.class, () -> s.accept(new float[10], 16000));
    }

    @Test
    void aSecondThreadInDecodeIsRefused() throws Exception {
        try (StreamGroup group = model.newStreamGroup(RecognizerOptions.defaults(), OPTIONS)) {
            GroupedStream s = group.newStream();
            Samples a = audio(1);
            AtomicBoolean refused = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            Thread other = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        group.decode();
                    } catch (IllegalStateException e) {
                        assertTrue(e.getMessage().contains("one thread at a time"), e.getMessage());
                        refused.set(true);
                    }
                }
            });
            other.start();
            long until = System.nanoTime() + 20_000_000_000L;
            while (!refused.get() && System.nanoTime() < until) {
                s.accept(a.samples(), a.sampleRate());
                try {
                    group.decode();
                } catch (IllegalStateException e) {
                    refused.set(true);
                }
            }
            stop.set(true);
            other.join();
            assertTrue(refused.get(), "two threads never met in decode()");
        }
    }
}
