package org.speechmoe.tornado;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.io.IOException;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.speechmoe.format.DType;
import org.speechmoe.runtime.api.Logits;
import org.speechmoe.runtime.api.RecognizerOptions;
import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.spi.BackendUnavailableException;
import org.speechmoe.runtime.spi.ExpertLayer;
import org.speechmoe.runtime.spi.ExpertOffload;
import org.speechmoe.runtime.internal.backend.ScalarBackend;
import org.speechmoe.runtime.api.SpeechMoeModel;

/**
 * The offloaded experts against the CPU's scalar specification, on whatever device TornadoVM picks (PoCL on a machine
 * without a GPU). Skipped, with the reason, on a JVM without TornadoVM.
 */
class TornadoExpertOffloadTest {
    private static final float TOLERANCE = 1e-4f;
    private static ExpertOffload offload;

    @BeforeAll
    static void open() {
        if (TornadoOffloadProvider.tornadoPresent()) {
            offload = new TornadoOffloadProvider().open();
        }
    }

    @AfterAll
    static void close() {
        if (offload != null) {
            offload.close();
        }
    }

    static Stream<Arguments> layers() {
        return Stream.of(
                // dtype, experts, dim, hidden, activation, rows per expert (0 = an idle expert)
                Arguments.of(DType.F32, 4, 24, 40, Activation.SWISH, new int[] {3, 0, 7, 1}),
                Arguments.of(DType.F32, 2, 16, 32, Activation.RELU, new int[] {1, 0}),
                Arguments.of(DType.F32, 3, 8, 16, Activation.SWISH, new int[] {0, 0, 0}),
                // more rows than one launch holds, split across launches in the middle of an expert
                Arguments.of(DType.F32, 3, 16, 24, Activation.SWISH, new int[] {1500, 900, 1700}),
                Arguments.of(DType.Q8, 4, 40, 72, Activation.SWISH, new int[] {5, 9, 0, 30}),
                Arguments.of(DType.BF16, 2, 32, 64, Activation.SWISH, new int[] {6, 11}));
    }

    @ParameterizedTest
    @MethodSource("layers")
    void groupedExpertFfnMatchesTheScalarSpecification(DType dtype, int experts, int dim, int hidden, Activation act,
                                                       int[] rowsPerExpert) {
        TornadoTests.assumeTornado();
        ExpertLayer layer = TornadoTests.randomLayer(dim * 31L + hidden, dtype, experts, dim, hidden, act);
        checkAgainstScalar(layer, rowsPerExpert, 7);
    }

    @Test
    void halfPrecisionExpertsOnDevicesWithFp16() {
        TornadoTests.assumeTornado();
        ExpertLayer layer = TornadoTests.randomLayer(5, DType.F16, 3, 32, 48, Activation.SWISH);
        try {
            checkAgainstScalar(layer, new int[] {4, 0, 13}, 3);
        } catch (BackendUnavailableException e) {
            // PoCL and some GPUs lack cl_khr_fp16: the user gets this one line, and the test has nothing to compare.
            assertTrue(e.getMessage().contains("(no fp16 support)"), e.getMessage());
            Assumptions.abort(e.getMessage());
        }
    }

    @Test
    void aLayerStaysOnTheDeviceAcrossCallsOfDifferentSizes() {
        TornadoTests.assumeTornado();
        ExpertLayer layer = TornadoTests.randomLayer(11, DType.F32, 4, 16, 32, Activation.SWISH);
        for (int[] rows : new int[][] {{1, 2, 3, 4}, {40, 0, 0, 1}, {0, 1, 0, 0}, {9, 9, 9, 9}}) {
            checkAgainstScalar(layer, rows, rows[0] + 100);
        }
    }

    private static void checkAgainstScalar(ExpertLayer layer, int[] rowsPerExpert, long seed) {
        int[] offsets = new int[rowsPerExpert.length + 1];
        for (int e = 0; e < rowsPerExpert.length; e++) {
            offsets[e + 1] = offsets[e] + rowsPerExpert[e];
        }
        int n = offsets[rowsPerExpert.length];
        Random r = new Random(seed);
        float[] gathered = TornadoTests.gaussian(r, n * layer.dim(), 1);
        float[] gates = new float[n];
        for (int i = 0; i < n; i++) {
            gates[i] = 0.25f + 0.75f * r.nextFloat();
        }
        float[] want = new float[n * layer.dim()];
        new ScalarBackend().expertFfn(layer, gathered, offsets, gates, want);
        float[] got = new float[n * layer.dim()];
        offload.expertFfn(layer, gathered, offsets, gates, got);
        float err = 0;
        for (int i = 0; i < want.length; i++) {
            err = Math.max(err, Math.abs(want[i] - got[i]) / Math.max(1f, Math.abs(want[i])));
        }
        assertTrue(err <= TOLERANCE, layer.w1().dtype() + " " + n + " rows: max error " + err);
    }

    static Stream<Arguments> models() {
        return Stream.of(Arguments.of("ctc_ln_swish_e2", DType.F32), Arguments.of("aed_bn_swish_e16", DType.F32),
                Arguments.of("ctc_ln_swish_e2", DType.Q8), Arguments.of("ctc_ln_swish_e2", DType.F16));
    }

    @ParameterizedTest
    @MethodSource("models")
    void wholeModelLogProbsMatchTheCpu(String name, DType dtype) throws IOException {
        TornadoTests.assumeTornado();
        Path audio = TornadoTests.WAVS.resolve("mixed.wav");
        RecognizerOptions cpu = RecognizerOptions.defaults().withThreads(2);
        try (SpeechMoeModel m = SpeechMoeModel.open(TornadoTests.model(name, dtype))) {
            Logits want = m.newRecognizer(cpu).logits(audio);
            Logits got;
            try {
                got = m.newRecognizer(cpu.withDevice(RecognizerOptions.GPU)).logits(audio);
            } catch (BackendUnavailableException e) {
                assertTrue(dtype == DType.F16 && e.getMessage().contains("(no fp16 support)"), e.getMessage());
                Assumptions.abort(e.getMessage());
                return;
            }
            assertArrayEquals(want.routes(), got.routes(), "the routes");
            assertEquals(want.logProbs().length, got.logProbs().length);
            float err = 0;
            for (int i = 0; i < want.logProbs().length; i++) {
                err = Math.max(err, Math.abs(want.logProbs()[i] - got.logProbs()[i]));
            }
            assertTrue(err <= TOLERANCE, name + " " + dtype + ": max log-prob error " + err);
        }
    }
}
