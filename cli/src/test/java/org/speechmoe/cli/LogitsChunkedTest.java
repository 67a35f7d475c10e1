package org.speechmoe.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speechmoe.converter.Converter;
import org.speechmoe.format.DType;
import org.speechmoe.format.Npy;

/** {@code logits --chunk-size}: the causal fixture model chunk by chunk against the reference's chunk-masked pass. */
class LogitsChunkedTest {
    static final Path CAUSAL = Path.of("..", "testdata", "fixtures", "ctc_causal_ln_swish_e4");

    @TempDir
    Path tmp;

    private Path causalModel() throws IOException {
        Path out = tmp.resolve("causal.smoe");
        Converter.convert(new Converter.Request(CAUSAL.resolve("train.yaml"), CAUSAL.resolve("final.pt"),
                CAUSAL.resolve("units.txt"), CAUSAL.resolve("global_cmvn"), out, DType.F32));
        return out;
    }

    @Test
    void chunkedLogitsEqualTheChunkMaskedReference() throws IOException {
        Path model = causalModel();
        String wav = TestModel.wav("mixed").toString();
        for (String[] c : new String[][] {{"4", null, "chunk_4"}, {"16", null, "chunk_16"}, {"4", "1", "chunk_4_left_1"},
            {"1", null, "chunk_1"}}) {
            Path logp = tmp.resolve(c[2] + ".npy");
            Path routes = tmp.resolve(c[2] + ".routes.npy");
            CliTest.Run r = c[1] == null
                    ? CliTest.run("logits", "-m", model.toString(), "--out", logp.toString(), "--routes",
                            routes.toString(), "--chunk-size", c[0], wav)
                    : CliTest.run("logits", "-m", model.toString(), "--out", logp.toString(), "--routes",
                            routes.toString(), "--chunk-size", c[0], "--left-chunks", c[1], wav);
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("in chunks of " + c[0]), r.out());
            Path dir = CAUSAL.resolve("mixed").resolve(c[2]);
            Npy.Array want = Npy.read(dir.resolve("logp.npy"));
            Npy.Array got = Npy.read(logp);
            assertArrayEquals(want.shape(), got.shape());
            for (int i = 0; i < want.data().length; i++) {
                assertEquals(want.data()[i], got.data()[i], 1e-3f, c[2] + " at " + i);
            }
            assertArrayEquals(Npy.read(dir.resolve("routes.npy")).ints(), Npy.read(routes).ints(), c[2]);
        }
        Path full = tmp.resolve("full.npy");
        assertEquals(0, CliTest.run("logits", "-m", model.toString(), "--out", full.toString(), wav).exit());
        Npy.Array want = Npy.read(CAUSAL.resolve("mixed").resolve("logp.npy"));
        Npy.Array got = Npy.read(full);
        for (int i = 0; i < want.data().length; i++) {
            assertEquals(want.data()[i], got.data()[i], 1e-3f, "full context at " + i);
        }
    }

    @Test
    void aFullContextModelAndBadValuesAreRefusedInOneLine() throws IOException {
        Path logp = tmp.resolve("l.npy");
        String wav = TestModel.wav("vowels").toString();
        CliTest.Run full = CliTest.run("logits", "-m", TestModel.path().toString(), "--out", logp.toString(),
                "--chunk-size", "4", wav);
        assertEquals(SpeechMoeCli.EXIT_FAILED, full.exit());
        assertEquals(1, full.err().lines().count(), full.err());
        assertTrue(full.err().contains("full-context model"), full.err());
        assertFalse(Files.exists(logp));
        Path model = causalModel();
        for (String[] bad : new String[][] {{"--chunk-size", "0"}, {"--left-chunks", "2"},
            {"--chunk-size", "4", "--left-chunks", "-1"}, {"--chunk-size", "four"}}) {
            String[] args = new String[5 + bad.length];
            System.arraycopy(new String[] {"logits", "-m", model.toString(), "--out", logp.toString()}, 0, args, 0, 5);
            System.arraycopy(bad, 0, args, 5, bad.length);
            String[] withWav = Arrays.copyOf(args, args.length + 1);
            withWav[args.length] = wav;
            CliTest.Run r = CliTest.run(withWav);
            assertEquals(SpeechMoeCli.EXIT_USAGE, r.exit(), String.join(" ", bad) + ": " + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
        }
    }

    @Test
    void evalMeasuresChunkByChunkDecodingAndRefusesAFullContextModel() throws IOException {
        Path manifest = tmp.resolve("set.tsv");
        Files.writeString(manifest, TestModel.wav("mixed").toAbsolutePath() + "\tsome words\n");
        CliTest.Run chunked = CliTest.run("eval", "-m", causalModel().toString(), "--lm", "none", "--manifest",
                manifest.toString(), "--chunk-size", "4");
        assertEquals(0, chunked.exit(), chunked.err());
        assertTrue(chunked.out().contains("1 utterances") && chunked.out().contains("in chunks of 4"), chunked.out());
        assertTrue(chunked.out().contains("greedy") && chunked.out().contains("WER"), chunked.out());
        CliTest.Run full = CliTest.run("eval", "-m", TestModel.path().toString(), "--lm", "none", "--manifest",
                manifest.toString(), "--chunk-size", "4");
        assertEquals(SpeechMoeCli.EXIT_FAILED, full.exit());
        assertEquals(1, full.err().lines().count(), full.err());
        assertTrue(full.err().contains("full-context model"), full.err());
    }
}
