package org.speechmoe.runtime.internal.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.speechmoe.converter.Converter;
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
 * Chunk-by-chunk decoding against the reference's chunk-masked full pass (testdata/fixtures/ctc_causal_ln_swish_e4,
 * {@code <wav>/chunk_<C>[_left_<N>]}), with the features fed in blocks of random sizes.
 */
class EncoderStreamTest {
    static final String MODEL = "ctc_causal_ln_swish_e4";
    private static final Pattern CHUNK_DIR = Pattern.compile("chunk_(\\d+)(?:_left_(\\d+))?");

    /** Every (utterance, chunk fixture directory). */
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String u : ReferenceFixtures.utterances(MODEL)) {
            try (Stream<Path> dirs = Files.list(ReferenceFixtures.ROOT.resolve(MODEL).resolve(u))) {
                dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted()
                        .forEach(d -> out.add(Arguments.of(u, d)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertTrue(out.size() >= 3 * 8, "chunk fixtures missing: " + out.size());
        return out.stream();
    }

    private static Encoder encoder(String model, SmoeFile file) throws IOException {
        GraphConfig g = GraphConfig.fromMetadata(file.metadata(), file.path().toString());
        return new Encoder(ModelWeights.check(file, g, true), g);
    }

    private static SmoeFile open(String model) throws IOException {
        return SmoeFile.open(ReferenceFixtures.smoe(model, DType.F32));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void chunkedEqualsTheChunkMaskedReference(String utterance, String dir) throws IOException {
        Matcher m = CHUNK_DIR.matcher(dir);
        assertTrue(m.matches(), dir);
        int chunk = Integer.parseInt(m.group(1));
        int left = m.group(2) == null ? -1 : Integer.parseInt(m.group(2));
        String fixture = utterance + "/" + dir;
        Npy.Array feats = ReferenceFixtures.array(MODEL, utterance, "feats");
        try (SmoeFile file = open(MODEL)) {
            Encoder encoder = encoder(MODEL, file);
            for (Backend backend : EncoderReferenceTest.backends()) {
                Random random = new Random(utterance.hashCode() * 31L + dir.hashCode());
                Map<String, List<float[]>> traced = new LinkedHashMap<>();
                EncoderStream stream = new EncoderStream(encoder, chunk, left,
                        (name, data, rows, cols) -> traced.computeIfAbsent(name, k -> new ArrayList<>())
                                .add(Arrays.copyOf(data, rows * cols)));
                Encoder.Output out = run(stream, backend, feats, random);
                String where = fixture + " (" + backend.name() + ")";
                compare(where, out, fixture);
                assertEquals(out.frames(), stream.framesEmitted(), where);
                if (Files.exists(ReferenceFixtures.ROOT.resolve(MODEL).resolve(fixture).resolve("embed.npy"))) {
                    for (Map.Entry<String, List<float[]>> e : traced.entrySet()) {
                        Npy.Array want = ReferenceFixtures.array(MODEL, fixture, e.getKey());
                        float[] got = concat(e.getValue());
                        assertEquals(want.data().length, got.length, where + " " + e.getKey());
                        float err = EncoderReferenceTest.maxAbsDiff(want.data(), got);
                        assertTrue(err < 1e-3f, where + " " + e.getKey() + " max abs error " + err);
                    }
                    assertTrue(traced.containsKey("embed_block_1") && traced.containsKey("router_probs_1"));
                }
            }
        }
    }

    /** Feeds the features in blocks of 0 to 40 rows, then finishes; returns all outputs joined. */
    private static Encoder.Output run(EncoderStream stream, Backend backend, Npy.Array feats, Random random) {
        RecognizerState state = new RecognizerState();
        state.poison(true);
        int bins = feats.dim(1);
        List<Encoder.Output> outputs = new ArrayList<>();
        for (int at = 0; at < feats.dim(0); ) {
            int n = Math.min(random.nextInt(41), feats.dim(0) - at);
            float[] block = Arrays.copyOfRange(feats.data(), at * bins, (at + n) * bins);
            Encoder.Output o = stream.accept(backend, state, block, n);
            assertEquals(o.frames() * o.vocab(), o.logProbs().length);
            outputs.add(o);
            at += n;
        }
        outputs.add(stream.finish(backend, state));
        return EncoderStream.concat(outputs, outputs.getFirst().vocab());
    }

    private static void compare(String where, Encoder.Output out, String fixture) {
        float[] logp = ReferenceFixtures.array(MODEL, fixture, "logp").data();
        assertEquals(logp.length, out.logProbs().length, where + " logp size");
        float err = EncoderReferenceTest.maxAbsDiff(logp, out.logProbs());
        assertTrue(err < 1e-4f, where + " logp max abs error " + err);
        int[] routes = ReferenceFixtures.array(MODEL, fixture, "routes").ints();
        float[] gates = ReferenceFixtures.array(MODEL, fixture, "gates").data();
        int t = out.frames();
        assertEquals(routes.length / t, out.routings().size(), where);
        for (int b = 0; b < out.routings().size(); b++) {
            Routing r = out.routings().get(b);
            assertArrayEquals(Arrays.copyOfRange(routes, b * t, (b + 1) * t), r.experts(), where + " routes " + b);
            float gateErr = EncoderReferenceTest.maxAbsDiff(Arrays.copyOfRange(gates, b * t, (b + 1) * t), r.gates());
            assertTrue(gateErr < 1e-4f, where + " gates of block " + b + " error " + gateErr);
        }
    }

    private static float[] concat(List<float[]> parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @Test
    void aChunkLongerThanTheUtteranceIsTheFullContextPass() throws IOException {
        try (SmoeFile file = open(MODEL)) {
            Encoder encoder = encoder(MODEL, file);
            for (String u : ReferenceFixtures.utterances(MODEL)) {
                Npy.Array feats = ReferenceFixtures.array(MODEL, u, "feats");
                Backend backend = EncoderReferenceTest.backends().getLast();
                Encoder.Output out = run(encoder.stream(1000, -1), backend, feats, new Random(7));
                compare(u + " chunk 1000", out, u);
            }
        }
    }

    @Test
    void aStaticChunkModelIsMaskedEvenAtFullContext(@TempDir Path tmp) throws IOException {
        Path dir = ReferenceFixtures.ROOT.resolve(MODEL);
        Path yaml = tmp.resolve("train.yaml");
        String text = Files.readString(dir.resolve("train.yaml"));
        assertTrue(text.contains("  use_dynamic_chunk: true"));
        Files.writeString(yaml, text.replaceFirst("  use_dynamic_chunk: true",
                "  use_dynamic_chunk: false\n  static_chunk_size: 4"));
        Path out = tmp.resolve("static.smoe");
        Converter.convert(new Converter.Request(yaml, dir.resolve("final.pt"), dir.resolve("units.txt"),
                dir.resolve("global_cmvn"), out, DType.F32));
        try (SmoeFile file = SmoeFile.open(out)) {
            Encoder encoder = encoder(MODEL, file);
            for (String u : ReferenceFixtures.utterances(MODEL)) {
                Npy.Array feats = ReferenceFixtures.array(MODEL, u, "feats");
                Map<String, List<float[]>> traced = new LinkedHashMap<>();
                Encoder.Output o = encoder.forward(EncoderReferenceTest.backends().getLast(), new RecognizerState(),
                        feats.data(), feats.dim(0), (name, data, rows, cols) -> traced
                                .computeIfAbsent(name, k -> new ArrayList<>()).add(Arrays.copyOf(data, rows * cols)));
                compare(u + " static chunk 4", o, u + "/chunk_4");
                float err = EncoderReferenceTest.maxAbsDiff(ReferenceFixtures.array(MODEL, u + "/chunk_4", "embed").data(),
                        concat(traced.get("embed")));
                assertTrue(err < 1e-3f, u + " embed error " + err);
            }
        }
    }

    @Test
    void leftChunksBoundTheCaches() throws IOException {
        try (SmoeFile file = open(MODEL)) {
            Encoder encoder = encoder(MODEL, file);
            Npy.Array feats = ReferenceFixtures.array(MODEL, "mixed", "feats");
            Backend backend = EncoderReferenceTest.backends().getLast();
            RecognizerState state = new RecognizerState();
            EncoderStream bounded = new EncoderStream(encoder, 3, 2, EncoderTrace.NONE);
            EncoderStream unbounded = encoder.stream(3, -1);
            for (int i = 0; i < 6; i++) {
                bounded.accept(backend, state, feats.data(), feats.dim(0));
                unbounded.accept(backend, state, feats.data(), feats.dim(0));
                assertTrue(bounded.cachedFrames() <= 2 * 3, "cached " + bounded.cachedFrames());
            }
            assertEquals(unbounded.framesEmitted(), unbounded.cachedFrames());
            assertTrue(unbounded.framesEmitted() > 6 * 30);
        }
    }

    @Test
    void resetStartsAnIdenticalStream() throws IOException {
        try (SmoeFile file = open(MODEL)) {
            Encoder encoder = encoder(MODEL, file);
            Npy.Array feats = ReferenceFixtures.array(MODEL, "vowels", "feats");
            Backend backend = EncoderReferenceTest.backends().getFirst();
            EncoderStream stream = encoder.stream(4, 1);
            Encoder.Output first = run(stream, backend, feats, new Random(1));
            assertThrows(IllegalStateException.class, () -> stream.finish(backend, new RecognizerState()));
            stream.reset();
            assertEquals(0, stream.framesEmitted());
            Encoder.Output second = run(stream, backend, feats, new Random(2));
            assertArrayEquals(first.logProbs(), second.logProbs());
            compare("vowels/chunk_4_left_1 after reset", second, "vowels/chunk_4_left_1");
            Encoder.Output none = encoder.stream(4, -1).accept(backend, new RecognizerState(), new float[0], 0);
            assertEquals(0, none.frames());
            assertTrue(none.routings().isEmpty());
        }
    }

    @Test
    void aFullContextModelRefusesToStream() throws IOException {
        try (SmoeFile file = open("ctc_ln_swish_e2")) {
            Encoder encoder = encoder("ctc_ln_swish_e2", file);
            assertFalse(encoder.streamable());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> encoder.stream(4, -1));
            assertFalse(e.getMessage().contains("\n"));
            assertTrue(e.getMessage().contains("full-context"), e.getMessage());
        }
        try (SmoeFile file = open(MODEL)) {
            assertThrows(IllegalArgumentException.class, () -> encoder(MODEL, file).stream(0, -1));
        }
    }
}
