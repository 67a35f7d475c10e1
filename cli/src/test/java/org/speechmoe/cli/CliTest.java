package org.speechmoe.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speechmoe.format.DType;
import org.speechmoe.format.Npy;
import picocli.CommandLine;

/** The convert and inspect commands, driven in-process: output, exit codes, one-line errors. */
class CliTest {
    static final Path MODEL = Path.of("..", "testdata", "fixtures", "aed_bn_swish_e16");

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = SpeechMoeCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Run convert(Path output, String dtype) {
        return run("convert", "--config", MODEL.resolve("train.yaml").toString(),
                "--checkpoint", MODEL.resolve("final.pt").toString(), "--units", MODEL.resolve("units.txt").toString(),
                "--cmvn", MODEL.resolve("global_cmvn").toString(), "-o", output.toString(), "--dtype", dtype);
    }

    @Test
    void convertThenInspectAndVerify() {
        Path out = tmp.resolve("m.smoe");
        Run c = convert(out, "q8");
        assertEquals(0, c.exit, c.err);
        assertTrue(c.out.contains("q8   size"), c.out);
        assertTrue(c.out.contains("matrices stored as q8: relative RMS error"), c.out);
        Run i = run("inspect", out.toString(), "--verify");
        assertEquals(0, i.exit, i.err);
        assertTrue(i.out.contains("moe.num_experts                  16"), i.out);
        assertTrue(i.out.contains("blocks.0.feed_forward.experts.w_1.weight"), i.out);
        assertTrue(i.out.contains("header checksum ok"), i.out);
        assertTrue(i.out.matches("(?s).*all \\d+ tensor checksums match.*"), i.out);
    }

    @Test
    void aDamagedTensorFailsVerification() throws IOException {
        Path out = tmp.resolve("m.smoe");
        assertEquals(0, convert(out, "f32").exit);
        byte[] b = Files.readAllBytes(out);
        b[b.length - 3] ^= 0x40;
        Files.write(out, b);
        Run i = run("inspect", out.toString(), "--verify");
        assertEquals(SpeechMoeCli.EXIT_FAILED, i.exit);
        assertTrue(i.out.contains("MISMATCH"), i.out);
        assertEquals(1, i.err.lines().count(), i.err);
        assertTrue(i.err.contains("1 of") && i.err.contains("fail their checksum"), i.err);
    }

    @Test
    void aDamagedModelIsRefusedInOneLineUnlessVerificationIsOff() throws IOException {
        Path out = tmp.resolve("m.smoe");
        assertEquals(0, convert(out, "f32").exit);
        byte[] b = Files.readAllBytes(out);
        b[b.length - 3] ^= 0x40; // in the last tensor, out_linear's bias
        Files.write(out, b);
        String wav = Path.of("..", "testdata", "wav", "vowels.wav").toString();
        Run refused = run("transcribe", "-m", out.toString(), wav);
        assertEquals(SpeechMoeCli.EXIT_FAILED, refused.exit, refused.err);
        assertEquals(1, refused.err.lines().count(), refused.err);
        assertTrue(refused.err.startsWith("speechmoe: " + out + ": tensor '") && refused.err.contains("checksum"),
                refused.err);
        assertEquals("", refused.out);
        Run logits = run("logits", "-m", out.toString(), "--out", tmp.resolve("l.npy").toString(), wav);
        assertEquals(refused.err, logits.err);
        Run unchecked = run("transcribe", "--no-verify", "-m", out.toString(), wav);
        assertEquals(0, unchecked.exit, unchecked.err);
        Run directory = run("transcribe", "-m", tmp.toString(), wav);
        assertEquals(SpeechMoeCli.EXIT_FAILED, directory.exit);
        assertEquals("speechmoe: " + tmp + ": is a directory, not a .smoe model file\n", directory.err);
    }

    @Test
    void userMistakesGiveOneLineAndAnExitCode() throws IOException {
        Run missing = run("inspect", tmp.resolve("nope.smoe").toString());
        assertEquals(SpeechMoeCli.EXIT_FAILED, missing.exit);
        assertEquals("speechmoe: no such file: " + tmp.resolve("nope.smoe") + "\n", missing.err);

        Path junk = Files.writeString(tmp.resolve("junk.smoe"), "hello, this is not a model at all; not at all....."
                + "..................");
        Run notModel = run("inspect", junk.toString());
        assertEquals(SpeechMoeCli.EXIT_FAILED, notModel.exit);
        assertEquals(1, notModel.err.lines().count(), notModel.err);
        assertTrue(notModel.err.contains("not a .smoe model file"), notModel.err);

        Run badFlag = run("convert", "--dtype", "q4");
        assertEquals(SpeechMoeCli.EXIT_USAGE, badFlag.exit);
        assertEquals(1, badFlag.err.lines().count(), badFlag.err);
        assertTrue(badFlag.err.contains("see speechmoe convert --help"), badFlag.err);

        Run badDtype = convert(tmp.resolve("x.smoe"), "q4");
        assertEquals(SpeechMoeCli.EXIT_USAGE, badDtype.exit);
        assertTrue(badDtype.err.contains("'q4' is not one of f32, f16, bf16, q8"), badDtype.err);

        Run none = run();
        assertEquals(SpeechMoeCli.EXIT_USAGE, none.exit);
        assertTrue(none.err.contains("a command is required"), none.err);

        Run unknown = run("transcribee");
        assertEquals(SpeechMoeCli.EXIT_USAGE, unknown.exit);
        assertEquals(1, unknown.err.lines().count(), unknown.err);
    }

    @Test
    void logitsAndRoutesMatchTheReference() throws IOException {
        Path model = tmp.resolve("m.smoe");
        assertEquals(0, convert(model, "f32").exit);
        Path wav = MODEL.getParent().getParent().resolve("wav").resolve("vowels.wav");
        Path logp = tmp.resolve("logp.npy");
        Path routes = tmp.resolve("routes.npy");
        Run r = run("logits", "-m", model.toString(), "--out", logp.toString(), "--routes", routes.toString(),
                wav.toString());
        assertEquals(0, r.exit, r.err);
        Npy.Array got = Npy.read(logp);
        Npy.Array want = Npy.read(MODEL.resolve("vowels").resolve("logp.npy"));
        assertArrayEquals(want.shape(), got.shape());
        for (int i = 0; i < want.data().length; i++) {
            assertEquals(want.data()[i], got.data()[i], 1e-3f);
        }
        assertArrayEquals(Npy.read(MODEL.resolve("vowels").resolve("routes.npy")).ints(), Npy.read(routes).ints());
        assertArrayEquals(new int[] {2, want.shape()[0]}, Npy.read(routes).shape());

        Run bad = run("logits", "-m", model.toString(), "--out", logp.toString(), "--backend", "gpu", wav.toString());
        assertEquals(SpeechMoeCli.EXIT_USAGE, bad.exit);
        assertTrue(bad.err.contains("backend must be auto, vector or scalar"), bad.err);
        Run notWav = run("logits", "-m", model.toString(), "--out", logp.toString(), model.toString());
        assertEquals(SpeechMoeCli.EXIT_FAILED, notWav.exit);
        assertEquals(1, notWav.err.lines().count(), notWav.err);
    }

    @Test
    void evalReportsErrorRatesAgainstTheManifest() throws IOException {
        Path model = tmp.resolve("m.smoe");
        assertEquals(0, convert(model, "f32").exit);
        Path wavs = MODEL.getParent().getParent().resolve("wav").toAbsolutePath();
        String vowels;
        try (var m = org.speechmoe.runtime.api.SpeechMoeModel.open(model); var r = m.newRecognizer()) {
            vowels = r.transcribe(wavs.resolve("vowels.wav")).text();
        }
        // one utterance whose reference is exactly what the model says, one whose reference is one word off
        Path manifest = Files.writeString(tmp.resolve("test.tsv"), wavs.resolve("vowels.wav") + "\t" + vowels
                + "\n\n" + wavs.resolve("vowels.wav") + "\t" + vowels + " extra\n");
        Run r = run("eval", "-m", model.toString(), "--manifest", manifest.toString(), "--beam", "4");
        assertEquals(0, r.exit, r.err);
        int words = vowels.split(" ").length;
        String wer = String.format(java.util.Locale.ROOT, "%6.2f%%", 100.0 / (2 * words + 1));
        assertTrue(r.out.contains("2 utterances"), r.out);
        assertTrue(r.out.matches("(?s).*greedy +CER +[0-9.]+%  WER " + java.util.regex.Pattern.quote(wer) + ".*"),
                r.out + " expected WER " + wer);
        assertTrue(r.out.contains("realtime factor"), r.out);

        Files.writeString(manifest, "no tab here\n");
        Run bad = run("eval", "-m", model.toString(), "--manifest", manifest.toString());
        assertEquals(SpeechMoeCli.EXIT_FAILED, bad.exit);
        assertTrue(bad.err.contains("test.tsv:1: expected 'audio path<TAB>reference text'"), bad.err);
    }

    @Test
    void withoutAModelTheEmbeddedDefaultModelTranscribes() {
        Path sample = Path.of("..", "samples", "synthetic-espeak.wav");
        Run r = run("transcribe", sample.toString(), "--format", "json");
        assertEquals(0, r.exit, r.err);
        assertTrue(r.out.contains("\"text\":\""), r.out);
        assertTrue(r.out.matches("(?s).*\"audio_seconds\":[1-9].*"), r.out);
    }

    @Test
    void everyCommandHasHelp() {
        for (String cmd : new String[] {"transcribe", "convert", "inspect", "logits", "eval"}) {
            Run h = run(cmd, "--help");
            assertEquals(0, h.exit);
            assertTrue(h.out.startsWith("Usage: speechmoe " + cmd), h.out);
        }
        assertTrue(run("--help").out.contains("convert"));
    }

    @Test
    void convertHelpListsEveryStoredType() {
        String help = run("convert", "--help").out.replaceAll("\\s+", " ");
        assertTrue(help.contains("--dtype=TYPE"), help);
        assertTrue(help.contains(String.join(", ", DType.labels()) + " (default: f32)"), help);
    }
}
