package org.speechmoe.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code speechmoe} launcher script itself, run through a symbolic link from a copy of the repository whose jar
 * is already there (a manifest-only jar over the test class path, so that the launcher builds nothing): what it does
 * to stderr and the exit status.
 */
class LauncherTest {
    private static final Path SCRIPT = Path.of("..", "speechmoe").toAbsolutePath().normalize();
    private static final String NOTICE = "WARNING: Using incubator modules: jdk.incubator.vector";

    @TempDir
    Path tmp;

    /** A link in a folder of its own to a copy of the launcher whose jar runs the CLI of the test class path. */
    private Path launcher() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("repo"));
        Files.copy(SCRIPT, root.resolve("speechmoe"));
        Path jar = Files.createDirectories(root.resolve("cli/target")).resolve("speechmoe-cli.jar");
        Manifest manifest = new Manifest();
        Attributes a = manifest.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.put(Attributes.Name.MAIN_CLASS, SpeechMoeCli.class.getName());
        List<String> classPath = new ArrayList<>();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : cp.split(java.io.File.pathSeparator)) {
            classPath.add(Path.of(entry).toAbsolutePath().toUri().toString());
        }
        a.put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
        try (OutputStream o = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            o.flush();
        }
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        return Files.createSymbolicLink(bin.resolve("speechmoe"), root.resolve("speechmoe"));
    }

    private ProcessBuilder command(Path javaHome, Path launcher, String... args) {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
        pb.environment().keySet().removeAll(List.of("TORNADOVM_HOME", "JAVA_OPTS", Progress.TTY_ENV,
                SpeechMoeCli.LAUNCHER_STDERR_FD));
        pb.environment().put("JAVA_HOME", javaHome.toString());
        return pb;
    }

    @Test
    void fileSuppliedBytesReachStderrEscapedAndNoErrorIsLost() throws Exception {
        Path launcher = launcher();
        // the recipe of issue 15: a NUL byte in a message once made grep swallow every later error
        Path nul = Files.write(tmp.resolve("nul.wav"), "RIFF\4\0\0\0WA\0E".getBytes(StandardCharsets.ISO_8859_1));
        Path esc = Files.write(tmp.resolve("esc\u001b[2J.wav"),
                "RIFF\4\0\0\0\u001b[2J".getBytes(StandardCharsets.ISO_8859_1));
        Path err = tmp.resolve("stderr");
        Process p = command(Path.of(System.getProperty("java.home")), launcher, "transcribe", "-m",
                TestModel.path().toString(), nul.toString(), tmp.resolve("missing.wav").toString(), esc.toString(),
                TestModel.wav("chirp").toAbsolutePath().toString(), "--backend", "scalar")
                .redirectOutput(tmp.resolve("stdout").toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not finish");
        String stderr = Files.readString(err, StandardCharsets.ISO_8859_1);
        assertEquals(SpeechMoeCli.EXIT_FAILED, p.exitValue(), stderr);
        List<String> lines = stderr.lines().toList();
        assertEquals(3, lines.size(), stderr);
        assertTrue(lines.get(0).startsWith("speechmoe: " + nul + ": "), stderr);
        assertEquals("speechmoe: " + tmp.resolve("missing.wav") + ": no such file", lines.get(1));
        assertTrue(lines.get(2).startsWith("speechmoe: " + tmp.resolve("esc\\x1b[2J.wav") + ": "), stderr);
        assertTrue(stderr.chars().allMatch(c -> c == '\n' || c >= 0x20 && c != 0x7f), stderr);
        assertTrue(Files.readString(tmp.resolve("stdout")).startsWith(TestModel.wav("chirp").toAbsolutePath() + ":"));
    }

    @Test
    void onlyTheJvmsNoticeIsDroppedUnbufferedWithTheExitStatus() throws Exception {
        Path launcher = launcher();
        // a stand-in java: the VM warning a JAVA_OPTS flag may cause, the notice, then bytes of every kind and a
        // progress line without a newline, which must arrive while the program still runs
        Path java = Files.createDirectories(tmp.resolve("jdk/bin")).resolve("java");
        Files.writeString(java, """
                #!/usr/bin/env bash
                if [ "$1" = -XshowSettings:properties ]; then echo '    java.specification.version = 25' >&2; exit 0; fi
                printf 'OpenJDK 64-Bit Server VM warning: Ignoring option X\\n' >&2
                printf '%s\\n' "$NOTICE" >&2
                printf 'a\\0b\\n\\r[1/2 files]' >&2
                for _ in $(seq 400); do [ -e "$GO" ] && break; sleep 0.05; done
                printf '\\r%s\\nend' "$NOTICE" >&2
                exit 7
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = command(java.getParent().getParent(), launcher, "transcribe", "x.wav");
        Path go = tmp.resolve("go");
        pb.environment().put("GO", go.toString());
        pb.environment().put("NOTICE", NOTICE);
        Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        InputStream stderr = p.getErrorStream();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        CompletableFuture<Void> progress = CompletableFuture.runAsync(() -> {
            try {
                while (!seen.toString(StandardCharsets.ISO_8859_1).endsWith("[1/2 files]")) {
                    int b = stderr.read();
                    if (b < 0) {
                        return;
                    }
                    seen.write(b);
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        try {
            progress.get(20, TimeUnit.SECONDS);
        } finally {
            Files.createFile(go);
        }
        seen.write(stderr.readAllBytes());
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(7, p.exitValue());
        assertArrayEquals(("OpenJDK 64-Bit Server VM warning: Ignoring option X\na\0b\n\r[1/2 files]\r" + NOTICE
                + "\nend").getBytes(StandardCharsets.ISO_8859_1), seen.toByteArray(),
                seen.toString(StandardCharsets.ISO_8859_1));
        assertFalse(Files.exists(tmp.resolve("repo/cli/target-build.log")), "the launcher tried to build");
    }
}
