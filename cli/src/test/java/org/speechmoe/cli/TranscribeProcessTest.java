package org.speechmoe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code speechmoe transcribe} as a separate JVM, as the launcher runs it (the launcher itself would rebuild the jar,
 * which Maven packages only after the tests): real stdout, stderr and exit codes, and what a killed run leaves.
 */
class TranscribeProcessTest {
    private static final String INCUBATOR_NOTICE = "WARNING: Using incubator modules: jdk.incubator.vector";

    @TempDir
    Path tmp;

    record Result(int exit, String out, String err) {
    }

    /** The CLI in a JVM of its own, with {@code jvmOptions} before the class path. */
    static ProcessBuilder command(List<String> jvmOptions, String... args) {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", classpath, SpeechMoeCli.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    private static ProcessBuilder command(String... args) {
        return command(List.of(), args);
    }

    private Result run(String... args) throws IOException, InterruptedException {
        return run(tmp, List.of(), args);
    }

    static Result run(Path tmp, List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        Path out = tmp.resolve("stdout");
        Path err = tmp.resolve("stderr");
        Process p = command(jvmOptions, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the CLI did not finish");
        return new Result(p.exitValue(), Files.readString(out), withoutNotice(Files.readString(err)));
    }

    private static String withoutNotice(String err) {
        return err.lines().filter(l -> !l.equals(INCUBATOR_NOTICE)).map(l -> l + "\n").collect(Collectors.joining());
    }

    @Test
    void jsonBatchWithACorruptFileAndAWrongFlag() throws Exception {
        String model = TestModel.path().toString();
        Result json = run("transcribe", "-m", model, TestModel.wav("vowels").toString(), "--format", "json");
        assertEquals(0, json.exit(), json.err());
        assertEquals("", json.err());
        assertEquals(1, json.out().lines().count(), json.out());
        JsonNode o = new ObjectMapper().readTree(json.out());
        assertEquals(TestModel.wav("vowels").toString(), o.get("file").asText());
        assertTrue(o.get("words").size() > 0);
        assertEquals(1.2, o.get("audio_seconds").asDouble());

        Path broken = Files.write(tmp.resolve("broken.wav"), "RIFF\0\0\0\0WAVEjunk".getBytes(StandardCharsets.ISO_8859_1));
        // the scalar backend starts faster in a cold JVM (the vector kernels need the JIT)
        Result batch = run("transcribe", "-m", model, TestModel.wav("chirp").toString(), broken.toString(),
                TestModel.wav("mixed").toString(), "--backend", "scalar");
        assertEquals(SpeechMoeCli.EXIT_FAILED, batch.exit(), batch.err());
        assertEquals(1, batch.err().lines().count(), batch.err());
        assertTrue(batch.err().startsWith("speechmoe: " + broken + ": "), batch.err());
        List<String> lines = batch.out().lines().toList();
        assertEquals(2, lines.size(), batch.out());
        assertTrue(lines.get(0).startsWith(TestModel.wav("chirp") + ": "), batch.out());
        assertTrue(lines.get(1).startsWith(TestModel.wav("mixed") + ": "), batch.out());

        Result wrong = run("transcribe", "-m", model, "--beam", "0", TestModel.wav("chirp").toString());
        assertEquals(SpeechMoeCli.EXIT_USAGE, wrong.exit());
        assertEquals("", wrong.out());
        assertEquals(1, wrong.err().lines().count(), wrong.err());
        assertTrue(wrong.err().contains("beam width must be at least 1") && wrong.err().contains("--help"),
                wrong.err());
    }

    @Test
    void aKilledRunLeavesNoPartialOutput() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in"));
        for (int i = 0; i < 120; i++) {
            Files.copy(TestModel.wav(List.of("chirp", "vowels", "mixed").get(i % 3)),
                    in.resolve(String.format("clip%03d.wav", i)));
        }
        for (boolean forcibly : new boolean[] {false, true}) {
            Path out = tmp.resolve(forcibly ? "out-killed" : "out-terminated");
            Process p = command("transcribe", "-m", TestModel.path().toString(), in.toString(), "--format", "json",
                    "--output-dir", out.toString(), "--threads", "1", "--backend", "scalar").redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (p.isAlive() && outputs(out).size() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            if (forcibly) {
                p.destroyForcibly(); // SIGKILL: no shutdown hook runs
            } else {
                p.destroy(); // SIGTERM, as Ctrl-C: the hook deletes the temporary file in progress
            }
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            List<Path> written = outputs(out);
            assertFalse(written.isEmpty());
            assertTrue(written.size() < 120, "the run ended before it was stopped");
            for (Path f : written) {
                if (f.getFileName().toString().endsWith(".partial")) {
                    assertTrue(forcibly, "a temporary file survived a SIGTERM: " + f);
                    continue;
                }
                JsonNode o = new ObjectMapper().readTree(f.toFile());
                assertTrue(o.has("realtime_factor"), f.toString());
            }
        }
    }

    private static List<Path> outputs(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
