package org.speechmoe.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default model from a jar, as the shipped tool has it: a damaged copy in the cache is replaced, not used, and a
 * cache folder that cannot be written is named. A JVM of its own, for its own {@code XDG_CACHE_HOME}.
 */
class DefaultModelCacheProcessTest {
    static final Path RESOURCE = Path.of("..", "default-model", "src", "main", "resources", "speechmoe",
            "default-model.smoe");

    @TempDir
    Path tmp;

    record Result(int exit, String out, String err) {
    }

    /** The CLI with the default model in a jar instead of a folder, and {@code cache} as XDG_CACHE_HOME. */
    private Result run(Path cache, String... args) throws IOException, InterruptedException {
        Path jar = tmp.resolve("default-model.jar");
        if (!Files.exists(jar)) {
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
                out.putNextEntry(new JarEntry("speechmoe/default-model.smoe"));
                Files.copy(RESOURCE, out);
                out.closeEntry();
            }
        }
        String classpath = Arrays.stream(System.getProperty("surefire.test.class.path",
                        System.getProperty("java.class.path")).split(File.pathSeparator))
                .filter(e -> !e.contains("default-model")).collect(Collectors.joining(File.pathSeparator))
                + File.pathSeparator + jar;
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", classpath, SpeechMoeCli.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        Path out = tmp.resolve("stdout");
        Path err = tmp.resolve("stderr");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the CLI did not finish");
        String e = Files.readString(err).lines().filter(l -> !l.startsWith("WARNING: Using incubator"))
                .collect(Collectors.joining("\n"));
        return new Result(p.exitValue(), Files.readString(out), e);
    }

    @Test
    void aDamagedCachedDefaultModelIsReplaced() throws Exception {
        String wav = TestModel.wav("vowels").toString();
        byte[] good = Files.readAllBytes(RESOURCE);
        Path cache = tmp.resolve("cache");
        Path cached = cache.resolve("speechmoe").resolve("default-" + sha256(good).substring(0, 16) + ".smoe");
        Result first = run(cache, "transcribe", wav);
        assertEquals(0, first.exit, first.err);
        assertArrayEquals(good, Files.readAllBytes(cached));
        byte[] damaged = good.clone();
        damaged[damaged.length / 2] ^= 4; // same size: a size check would reuse it
        Files.write(cached, damaged);
        Result second = run(cache, "transcribe", wav);
        assertEquals(0, second.exit, second.err);
        assertEquals(first.out, second.out);
        assertArrayEquals(good, Files.readAllBytes(cached), "the damaged copy was replaced");
    }

    @Test
    void aCacheFolderThatCannotBeWrittenIsNamed() throws Exception {
        Path blocker = Files.writeString(tmp.resolve("a-file"), "in the way"); // refused even for root
        Result r = run(blocker, "transcribe", TestModel.wav("vowels").toString());
        assertEquals(SpeechMoeCli.EXIT_FAILED, r.exit, r.err);
        assertEquals(1, r.err.lines().count(), r.err);
        assertTrue(r.err.startsWith("speechmoe: cannot write the default model into the cache folder "
                + blocker.resolve("speechmoe")), r.err);
    }

    private static String sha256(byte[] b) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
