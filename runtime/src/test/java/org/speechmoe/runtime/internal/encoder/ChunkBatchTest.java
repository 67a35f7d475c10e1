package org.speechmoe.runtime.internal.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.speechmoe.format.DType;
import org.speechmoe.format.Npy;
import org.speechmoe.format.SmoeFile;
import org.speechmoe.format.graph.GraphConfig;
import org.speechmoe.runtime.ReferenceFixtures;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.moe.Routing;
import org.speechmoe.runtime.internal.state.RecognizerState;
import org.speechmoe.runtime.internal.weights.ModelWeights;

/**
 * The chunks of several streams in shared passes ({@link ChunkBatch}) against each stream run alone
 * ({@link EncoderStream#accept}), on the causal fixture (testdata/fixtures/ctc_causal_ln_swish_e4): streams of different
 * lengths, phases, chunk sizes and left-chunk limits, fed in random blocks, some finishing or resetting mid-way.
 */
class ChunkBatchTest {
    /** Log-probabilities and gates of a stream in a batch, against the same stream alone. */
    static final float TOLERANCE = 1e-5f;

    private static SmoeFile file;
    private static Encoder encoder;
    private static List<Npy.Array> utterances;

    @BeforeAll
    @BeforeContainer
    static void open() throws IOException {
        file = SmoeFile.open(ReferenceFixtures.smoe(EncoderStreamTest.MODEL, DType.F32));
        GraphConfig g = GraphConfig.fromMetadata(file.metadata(), file.path().toString());
        encoder = new Encoder(ModelWeights.check(file, g, true), g);
        utterances = ReferenceFixtures.utterances(EncoderStreamTest.MODEL).stream()
                .map(u -> ReferenceFixtures.array(EncoderStreamTest.MODEL, u, "feats")).toList();
    }

    @AfterAll
    @AfterContainer
    static void close() {
        file.close();
    }

    /**
     * One stream of a scenario: which utterance's features, its chunking, how many steps it waits before its first
     * rows (its phase), where it stops early (the rows it takes before {@code end()}; all of them when longer), and
     * where it resets (rows taken before a {@code reset()} and a new start over the same features; never when
     * negative).
     */
    record Spec(int utterance, int chunkSize, int leftChunks, int delay, int stopAt, int resetAt) {
    }

    /** Runs a scenario in batches and alone; checks each stream's outputs, run by run (a reset starts a new run). */
    static void check(List<Spec> specs, Backend backend, long seed) {
        List<List<Encoder.Output>> batched = feed(specs, backend, seed, true);
        List<List<Encoder.Output>> alone = feed(specs, backend, seed, false);
        assertTrue(alone.stream().flatMap(List::stream).mapToInt(Encoder.Output::frames).sum() > 0, "no frames");
        for (int s = 0; s < specs.size(); s++) {
            String where = specs.get(s) + " seed " + seed + " on " + backend.name();
            assertEquals(alone.get(s).size(), batched.get(s).size(), where);
            for (int r = 0; r < alone.get(s).size(); r++) {
                assertClose(where + " run " + r, alone.get(s).get(r), batched.get(s).get(r));
            }
        }
    }

    private static void assertClose(String where, Encoder.Output want, Encoder.Output got) {
        assertEquals(want.frames(), got.frames(), where + " frames");
        float err = EncoderReferenceTest.maxAbsDiff(want.logProbs(), got.logProbs());
        assertTrue(err <= TOLERANCE, where + " log-probability error " + err);
        assertEquals(want.routings().size(), got.routings().size(), where);
        for (int b = 0; b < want.routings().size(); b++) {
            Routing w = want.routings().get(b);
            Routing g = got.routings().get(b);
            assertArrayEquals(w.experts(), g.experts(), where + " routes of block " + b);
            float gateErr = EncoderReferenceTest.maxAbsDiff(w.gates(), g.gates());
            assertTrue(gateErr <= TOLERANCE, where + " gates of block " + b + " error " + gateErr);
        }
    }

    /**
     * Feeds the scenario step by step: each step, every started stream takes a block of 0 to 24 rows; then either
     * one {@link ChunkBatch#run} over all streams ({@code batched}) or each stream's own {@link EncoderStream#accept}
     * of its block. The blocks are the same either way (one random sequence per stream).
     */
    private static List<List<Encoder.Output>> feed(List<Spec> specs, Backend backend, long seed, boolean batched) {
        RecognizerState state = new RecognizerState();
        state.poison(true);
        int n = specs.size();
        List<EncoderStream> streams = new ArrayList<>();
        List<Random> blocks = new ArrayList<>();
        List<List<Encoder.Output>> runs = new ArrayList<>();
        List<List<Encoder.Output>> current = new ArrayList<>();
        int[] taken = new int[n];
        boolean[] resetDone = new boolean[n];
        boolean[] done = new boolean[n];
        for (int s = 0; s < n; s++) {
            Spec spec = specs.get(s);
            streams.add(new EncoderStream(encoder, spec.chunkSize(), spec.leftChunks(), EncoderTrace.NONE));
            blocks.add(new Random(seed * 31 + s));
            runs.add(new ArrayList<>());
            current.add(new ArrayList<>());
        }
        for (int step = 0; !allTrue(done); step++) {
            for (int s = 0; s < n; s++) {
                Spec spec = specs.get(s);
                if (done[s] || step < spec.delay()) {
                    continue;
                }
                Npy.Array feats = utterances.get(spec.utterance());
                int bins = feats.dim(1);
                int limit = Math.min(feats.dim(0), resetDone[s] || spec.resetAt() < 0 ? spec.stopAt() : spec.resetAt());
                int k = Math.min(blocks.get(s).nextInt(25), limit - taken[s]);
                float[] block = Arrays.copyOfRange(feats.data(), taken[s] * bins, (taken[s] + k) * bins);
                taken[s] += k;
                EncoderStream stream = streams.get(s);
                if (batched) {
                    stream.push(block, k);
                } else {
                    current.get(s).add(stream.accept(backend, state, block, k));
                }
                if (taken[s] == limit) {
                    if (!resetDone[s] && spec.resetAt() >= 0 && spec.resetAt() < feats.dim(0)) {
                        // the run so far is dropped unfinished: what it gave is still compared
                        if (batched) {
                            current.get(s).add(ChunkBatch.run(backend, state, List.of(stream)).getFirst());
                        }
                        runs.get(s).add(EncoderStream.concat(current.get(s), encoder.vocab()));
                        current.get(s).clear();
                        stream.reset();
                        resetDone[s] = true;
                        taken[s] = 0;
                    } else if (batched) {
                        stream.end();
                    } else {
                        current.get(s).add(stream.finish(backend, state));
                        done[s] = true;
                    }
                }
            }
            if (batched) {
                List<Encoder.Output> out = ChunkBatch.run(backend, state, streams);
                for (int s = 0; s < n; s++) {
                    if (!done[s]) {
                        current.get(s).add(out.get(s));
                        done[s] = streams.get(s).isFinished();
                    }
                }
            }
        }
        for (int s = 0; s < n; s++) {
            runs.get(s).add(EncoderStream.concat(current.get(s), encoder.vocab()));
        }
        return runs;
    }

    private static boolean allTrue(boolean[] a) {
        for (boolean b : a) {
            if (!b) {
                return false;
            }
        }
        return true;
    }

    @Test
    void streamsOfDifferentLengthsPhasesAndChunkSizes() {
        List<Spec> specs = List.of(
                new Spec(0, 16, -1, 0, Integer.MAX_VALUE, -1),
                new Spec(1, 16, -1, 3, Integer.MAX_VALUE, -1),
                new Spec(2, 4, -1, 1, Integer.MAX_VALUE, -1),
                new Spec(0, 4, 1, 5, Integer.MAX_VALUE, -1),
                new Spec(1, 1, 2, 2, Integer.MAX_VALUE, -1),
                new Spec(2, 1, -1, 0, Integer.MAX_VALUE, -1),
                new Spec(0, 16, 2, 7, Integer.MAX_VALUE, -1));
        for (Backend backend : EncoderReferenceTest.backends()) {
            check(specs, backend, 1);
        }
    }

    @Test
    void streamsThatFinishOrResetMidway() {
        List<Spec> specs = List.of(
                new Spec(0, 4, -1, 0, 60, -1),
                new Spec(1, 16, -1, 0, Integer.MAX_VALUE, 90),
                new Spec(2, 4, 1, 2, Integer.MAX_VALUE, 33),
                new Spec(0, 1, -1, 1, 20, -1),
                new Spec(1, 16, 0, 4, Integer.MAX_VALUE, -1),
                new Spec(2, 8, -1, 0, 9, -1));
        for (Backend backend : EncoderReferenceTest.backends()) {
            check(specs, backend, 2);
        }
    }

    @Test
    void manyStreamsSplitIntoPassesOfBoundedSize() {
        // more frames wait than one pass takes: the streams after the bound go into further passes
        List<Spec> specs = new ArrayList<>();
        for (int s = 0; s < 24; s++) {
            specs.add(new Spec(s % 3, 100 + s, -1, 0, Integer.MAX_VALUE, -1));
        }
        Backend backend = EncoderReferenceTest.backends().getLast();
        RecognizerState state = new RecognizerState();
        List<EncoderStream> streams = new ArrayList<>();
        List<Encoder.Output> alone = new ArrayList<>();
        for (Spec spec : specs) {
            Npy.Array feats = utterances.get(spec.utterance());
            EncoderStream batched = new EncoderStream(encoder, spec.chunkSize(), -1, EncoderTrace.NONE);
            EncoderStream one = encoder.stream(spec.chunkSize(), -1);
            List<Encoder.Output> parts = new ArrayList<>();
            for (int copy = 0; copy < 7; copy++) {
                batched.push(feats.data(), feats.dim(0));
                parts.add(one.accept(backend, state, feats.data(), feats.dim(0)));
            }
            batched.end();
            streams.add(batched);
            parts.add(one.finish(backend, state));
            alone.add(EncoderStream.concat(parts, encoder.vocab()));
        }
        int frames = alone.stream().mapToInt(Encoder.Output::frames).sum();
        assertTrue(frames > 2 * ChunkBatch.MAX_FRAMES_PER_PASS, "frames " + frames);
        List<Encoder.Output> out = ChunkBatch.run(backend, state, streams);
        for (int s = 0; s < specs.size(); s++) {
            assertClose(specs.get(s).toString(), alone.get(s), out.get(s));
            assertTrue(streams.get(s).isFinished());
        }
    }

    @Test
    void aBatchRefusesStreamsOfAnotherEncoder() throws IOException {
        try (SmoeFile other = SmoeFile.open(ReferenceFixtures.smoe(EncoderStreamTest.MODEL, DType.F32))) {
            GraphConfig g = GraphConfig.fromMetadata(other.metadata(), other.path().toString());
            Encoder second = new Encoder(ModelWeights.check(other, g, true), g);
            Npy.Array feats = utterances.getFirst();
            EncoderStream a = encoder.stream(4, -1);
            EncoderStream b = second.stream(4, -1);
            a.push(feats.data(), feats.dim(0));
            b.push(feats.data(), feats.dim(0));
            assertThrows(IllegalArgumentException.class, () -> ChunkBatch.run(EncoderReferenceTest.backends()
                    .getLast(), new RecognizerState(), List.of(a, b)));
        }
    }

    /** Random scenarios: 1 to 6 streams of random utterances, chunk sizes, limits, phases, stops and resets. */
    @Property(tries = 12)
    void randomScenariosEqualEachStreamAlone(@ForAll @IntRange(min = 1, max = 6) int streams, @ForAll long seed) {
        Random r = new Random(seed);
        int[] chunkSizes = {1, 2, 3, 4, 7, 8, 16};
        List<Spec> specs = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            int utterance = r.nextInt(utterances.size());
            int rows = utterances.get(utterance).dim(0);
            specs.add(new Spec(utterance, chunkSizes[r.nextInt(chunkSizes.length)], r.nextInt(4) - 1, r.nextInt(6),
                    r.nextInt(3) == 0 ? 7 + r.nextInt(rows) : Integer.MAX_VALUE,
                    r.nextInt(4) == 0 ? 7 + r.nextInt(rows - 7) : -1));
        }
        check(specs, EncoderReferenceTest.backends().get(r.nextInt(EncoderReferenceTest.backends().size())), seed);
    }
}
