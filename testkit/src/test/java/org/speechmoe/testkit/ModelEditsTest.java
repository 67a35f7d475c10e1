package org.speechmoe.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.speechmoe.format.DType;
import org.speechmoe.format.SmoeFile;
import org.speechmoe.format.TensorCodec;
import org.speechmoe.format.TensorInfo;

/** The model copies the checks run: experts relabelled or poisoned, in every stored type, the rest untouched. */
class ModelEditsTest {
    private static final String MODEL = "ctc_bn_relu_e4_bias";

    private static float[] decode(SmoeFile f, String name) throws IOException {
        TensorInfo t = f.tensor(name);
        return TensorCodec.decode(t, f.data(t));
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void relabellingMovesEachExpertsValuesAndRouterColumnWhole(DType dtype) throws IOException {
        Path model = KitFixtures.smoe(MODEL, dtype);
        ModelUnderTest m = ModelUnderTest.of(model);
        int[][] labels = new int[m.layers()][];
        for (int l = 0; l < m.layers(); l++) {
            labels[l] = new int[] {2, 0, 3, 1};
        }
        Path copy = Files.createTempFile("relabelled", ".smoe");
        ModelEdits.permute(model, labels, copy);
        try (SmoeFile before = SmoeFile.open(model); SmoeFile after = SmoeFile.open(copy)) {
            assertEquals(before.tensors().size(), after.tensors().size());
            for (TensorInfo t : before.tensors()) {
                TensorInfo u = after.tensor(t.name());
                assertEquals(t.dtype(), u.dtype(), t.name());
                float[] a = TensorCodec.decode(t, before.data(t));
                float[] b = TensorCodec.decode(u, after.data(u));
                if (t.name().contains("feed_forward.experts.")) {
                    int block = a.length / m.experts();
                    for (int e = 0; e < m.experts(); e++) {
                        int to = labels[0][e];
                        assertArrayEquals(Arrays.copyOfRange(a, e * block, (e + 1) * block),
                                Arrays.copyOfRange(b, to * block, (to + 1) * block), t.name() + " expert " + e);
                    }
                } else if (t.name().contains("feed_forward.router_")) {
                    for (int i = 0; i < a.length; i++) {
                        int row = i / m.experts();
                        assertEquals(a[i], b[row * m.experts() + labels[0][i % m.experts()]], t.name());
                    }
                } else {
                    assertArrayEquals(a, b, t.name());
                }
            }
        }
        Files.delete(copy);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void poisoningMakesOnlyTheChosenExpertsNaN(DType dtype) throws IOException {
        Path model = KitFixtures.smoe(MODEL, dtype);
        ModelUnderTest m = ModelUnderTest.of(model);
        boolean[][] poisoned = new boolean[m.layers()][m.experts()];
        poisoned[0][1] = true;
        Path copy = Files.createTempFile("poisoned", ".smoe");
        ModelEdits.poison(model, poisoned, copy);
        try (SmoeFile before = SmoeFile.open(model); SmoeFile after = SmoeFile.open(copy)) {
            for (String n : new String[] {"w_1.weight", "w_1.bias", "w_2.weight", "w_2.bias"}) {
                String name = ModelUnderTest.prefix(0) + "experts." + n;
                float[] a = decode(before, name);
                float[] b = decode(after, name);
                int block = a.length / m.experts();
                for (int i = 0; i < a.length; i++) {
                    if (i / block == 1) {
                        assertTrue(Float.isNaN(b[i]), name + " at " + i);
                    } else {
                        assertEquals(a[i], b[i], name + " at " + i);
                    }
                }
            }
            String other = ModelUnderTest.prefix(1) + "experts.w_1.weight";
            assertArrayEquals(decode(before, other), decode(after, other));
        }
        Files.delete(copy);
    }
}
