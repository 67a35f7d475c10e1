package org.speechmoe.runtime.internal.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.speechmoe.runtime.internal.backend.vector.VectorBackend;
import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.spi.Matrix;

class BackendsTest {
    @Test
    void picksTheVectorBackendWhenTheModuleIsPresent() {
        // Surefire runs with --add-modules jdk.incubator.vector
        assertTrue(Backends.vectorAvailable());
        String previous = System.clearProperty(Backends.PROPERTY);
        try {
            Backend best = Backends.best(2);
            assertInstanceOf(VectorBackend.class, best);
            assertEquals("vector", best.name());
            assertEquals(2, ((VectorBackend) best).threads());
        } finally {
            restore(previous);
        }
    }

    @Test
    void theSystemPropertyChoosesTheBackend() {
        String previous = System.setProperty(Backends.PROPERTY, "scalar");
        try {
            assertInstanceOf(ScalarBackend.class, Backends.best(4));
            System.setProperty(Backends.PROPERTY, " Vector ");
            assertInstanceOf(VectorBackend.class, Backends.best(1));
            System.setProperty(Backends.PROPERTY, "gpu");
            assertThrows(IllegalArgumentException.class, () -> Backends.best(1));
        } finally {
            restore(previous);
        }
    }

    @Test
    void namedBackends() {
        assertInstanceOf(ScalarBackend.class, Backends.named("scalar", 1));
        assertInstanceOf(VectorBackend.class, Backends.named("VECTOR", 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.named("simd", 1));
        assertTrue(e.getMessage().contains("simd") && e.getMessage().contains("scalar or vector"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Backends.named("vector", 0));
    }

    /** A JVM without the flag gets the scalar backend and one warning, never a NoClassDefFoundError. */
    @Test
    void withoutTheModuleTheScalarBackendRunsAfterOneWarning() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                Probe.class.getName()).redirectErrorStream(false).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), err);
        assertEquals("false scalar scalar", out, err);
        // the warning goes through System.Logger, whose default handler adds a line naming the logger
        List<String> lines = err.lines().filter(l -> l.contains("jdk.incubator.vector")).toList();
        assertEquals(1, lines.size(), err);
        assertTrue(lines.get(0).contains("--add-modules jdk.incubator.vector") && lines.get(0).contains("scalar"),
                lines.get(0));
        assertFalse(err.contains("NoClassDefFoundError"), err);
    }

    /** A vector width the machine cannot run reaches the user as the backend's own one-line message. */
    @Test
    void aBadVectorWidthIsRefusedInOneLine() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "--add-modules", "jdk.incubator.vector",
                "-Dspeechmoe.vectorBits=1024", "-cp", System.getProperty("java.class.path"),
                WidthProbe.class.getName()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), out);
        List<String> lines = out.lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
        assertEquals(List.of("BackendUnavailableException: -Dspeechmoe.vectorBits=1024 is not a vector width: "
                + "expected 128, 256 or 512 (bits)"), lines, out);
    }

    /** Run by the test above with {@code -Dspeechmoe.vectorBits=1024}. */
    public static final class WidthProbe {
        public static void main(String[] args) {
            try {
                System.out.println(Backends.named("vector", 2).name());
            } catch (RuntimeException e) {
                System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }

    /** Run by the test above in a JVM without {@code --add-modules jdk.incubator.vector}. */
    public static final class Probe {
        public static void main(String[] args) {
            System.clearProperty(Backends.PROPERTY);
            Backend first = Backends.best(2);
            Backend second = Backends.best(2);
            String named;
            try {
                named = Backends.named("vector", 1).name();
            } catch (IllegalStateException e) {
                named = e.getMessage().contains(Backends.JVM_FLAG) ? "refused" : e.toString();
            }
            float[] y = new float[1];
            first.matmul(new float[] {2f}, 1, Matrix.ofFloats(1, 1, new float[] {3f}), y,
                    Epilogue.store(null, Activation.NONE));
            System.out.println(Backends.vectorAvailable() + " " + first.name() + " " + second.name()
                    + (named.equals("refused") && y[0] == 6f ? "" : " " + named + " " + y[0]));
        }
    }

    private static void restore(String previous) {
        if (previous == null) {
            System.clearProperty(Backends.PROPERTY);
        } else {
            System.setProperty(Backends.PROPERTY, previous);
        }
    }
}
