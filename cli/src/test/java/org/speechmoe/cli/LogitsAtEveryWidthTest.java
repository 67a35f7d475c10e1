package org.speechmoe.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import jdk.incubator.vector.VectorShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speechmoe.format.Npy;

/**
 * {@code speechmoe logits} gives the same log-probabilities (within 1e-4) and the same routes whatever vector width the
 * JVM is told to use ({@code -Dspeechmoe.vectorBits}), each width in a JVM of its own as a user would run it.
 */
class LogitsAtEveryWidthTest {
    @TempDir
    Path tmp;

    @Test
    void logProbsAndRoutesAgreeAtEveryWidthTheMachineHas() throws Exception {
        Npy.Array[] reference = logits("preferred", List.of());
        int widest = VectorShape.preferredShape().vectorBitSize();
        int compared = 0;
        for (int bits : new int[] {128, 256, 512}) {
            if (bits > widest) {
                continue;
            }
            Npy.Array[] got = logits(bits + "", List.of("-Dspeechmoe.vectorBits=" + bits));
            float[] want = reference[0].data();
            float[] have = got[0].data();
            assertEquals(want.length, have.length);
            float worst = 0;
            for (int i = 0; i < want.length; i++) {
                worst = Math.max(worst, Math.abs(want[i] - have[i]));
            }
            assertTrue(worst <= 1e-4f, bits + " bits: log-probabilities differ by " + worst);
            assertArrayEquals(reference[1].ints(), got[1].ints(), bits + " bits: routes");
            compared++;
        }
        assertTrue(compared >= 1, "no width compared");
    }

    private Npy.Array[] logits(String name, List<String> jvmOptions) throws Exception {
        Path logp = tmp.resolve(name + ".logp.npy");
        Path routes = tmp.resolve(name + ".routes.npy");
        TranscribeProcessTest.Result r = TranscribeProcessTest.run(tmp, jvmOptions, "logits", "-m",
                TestModel.path().toString(), "--out", logp.toString(), "--routes", routes.toString(),
                TestModel.wav("mixed").toString());
        assertEquals(0, r.exit(), name + ": " + r.err());
        return new Npy.Array[] {Npy.read(logp), Npy.read(routes)};
    }
}
