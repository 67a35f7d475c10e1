package org.speechmoe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Audio that is not a WAV file on disk, through {@code speechmoe transcribe} in a JVM of its own: FLAC with the
 * embedded model, standard input from a pipe ({@code cat x.flac | speechmoe transcribe -}), and a FIFO.
 */
class AudioInputProcessTest {
    private static final Path FORMATS = Path.of("..", "testdata", "audio-formats");
    private static final Path SAMPLE = Path.of("..", "samples", "synthetic-espeak.wav");

    @TempDir
    Path tmp;

    @Test
    void flacTranscribesAsItsWav() throws Exception {
        Path flac = FORMATS.resolve("synthetic-espeak.flac");
        TranscribeProcessTest.Result r = TranscribeProcessTest.run(tmp, List.of(), "transcribe", SAMPLE.toString(),
                flac.toString(), "--backend", "scalar");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        String wavText = lines.get(0).substring((SAMPLE + ": ").length());
        assertEquals("for best results follow directions carefully", wavText);
        assertEquals(flac + ": " + wavText, lines.get(1));
    }

    @Test
    void standardInputFromAPipe() throws Exception {
        String model = TestModel.path().toString();
        String expected = TranscribeProcessTest.run(tmp, List.of(), "transcribe", "-m", model,
                TestModel.wav("vowels").toString(), "--backend", "scalar").out();
        for (Path input : List.of(TestModel.wav("vowels"), FORMATS.resolve("vowels.flac"))) {
            Process p = TranscribeProcessTest.command(List.of(), "transcribe", "-m", model, "-", "--backend", "scalar")
                    .redirectOutput(tmp.resolve("out").toFile()).redirectError(tmp.resolve("err").toFile()).start();
            try (OutputStream pipe = p.getOutputStream()) {
                pipe.write(Files.readAllBytes(input));
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("err")));
            assertEquals(expected, Files.readString(tmp.resolve("out")), input.toString());
        }
        // what is not audio is one line naming the input "-"
        Process p = TranscribeProcessTest.command(List.of(), "transcribe", "-m", model, "-")
                .redirectError(tmp.resolve("err").toFile()).start();
        try (OutputStream pipe = p.getOutputStream()) {
            pipe.write("hello, not audio".getBytes());
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(SpeechMoeCli.EXIT_FAILED, p.exitValue());
        String err = Files.readAllLines(tmp.resolve("err")).stream()
                .filter(l -> !l.startsWith("WARNING: Using incubator")).reduce("", String::concat);
        assertTrue(err.startsWith("speechmoe: -: not a supported audio file (no known audio header"), err);
    }

    @Test
    void aFifoIsReadOnce() throws Exception {
        Path fifo = tmp.resolve("f.wav");
        Assumptions.assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "no mkfifo");
        byte[] audio = Files.readAllBytes(FORMATS.resolve("vowels.flac"));
        Thread writer = Thread.ofPlatform().daemon().start(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                out.write(audio);
            } catch (IOException e) {
                // the test fails on the CLI's side
            }
        });
        String model = TestModel.path().toString();
        TranscribeProcessTest.Result r = TranscribeProcessTest.run(tmp, List.of(), "transcribe", "-m", model,
                fifo.toString(), "--backend", "scalar", "--progress");
        writer.join(10_000);
        assertEquals(0, r.exit(), r.err());
        String expected = TranscribeProcessTest.run(tmp, List.of(), "transcribe", "-m", model,
                TestModel.wav("vowels").toString(), "--backend", "scalar").out();
        assertEquals(expected, r.out());
    }
}
