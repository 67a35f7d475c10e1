package org.speechmoe.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.speechmoe.format.DType;
import org.speechmoe.runtime.api.Logits;

/** Bugs planted in a runtime make the kit fail, saying where: the layer, the frame and the values. */
class PlantedBugTest {
    private static final Path MODEL = KitFixtures.smoe("ctc_bn_relu_e4_bias", DType.F32);

    private static KitAudio chirp() throws IOException {
        return AudioFiles.read(KitFixtures.wavs().getFirst());
    }

    @Test
    void expertZerosRowsDispatchedToItsNeighbourBreakTheAgreementWithTheSpecification() throws IOException {
        Findings f;
        try (RoutingChecks checks = new RoutingChecks(MODEL, 2, Files.createTempDirectory("kit"))) {
            NeighbourDispatchProvider.ACTIVE = true;
            try {
                f = checks.threadsAndBackends(chirp());
            } finally {
                NeighbourDispatchProvider.ACTIVE = false;
            }
        }
        try (RoutingChecks checks = new RoutingChecks(MODEL, 2, Files.createTempDirectory("kit"))) {
            assertTrue(checks.threadsAndBackends(chirp()).passed(), "without the bug the same audio passes");
        }
        List<Violation> gpu = f.violations().stream().filter(v -> v.check().endsWith("(gpu)")).toList();
        assertFalse(gpu.isEmpty(), f.report());
        assertEquals(gpu.size(), f.violations().size(), "only the planted device is wrong: " + f.report());
        Violation first = gpu.getFirst();
        assertTrue(first.layer() >= 1 && first.frame() >= 0, "the first layer after the wrong experts: " + first);
        System.out.println(f.report());
    }

    @Test
    void aGateTakenBeforeTheSoftmaxIsCaughtAtTheFirstFrame() throws IOException {
        Logits right;
        try (RoutingChecks checks = new RoutingChecks(MODEL, 2, Files.createTempDirectory("kit"))) {
            right = checks.logits(chirp());
        }
        assertTrue(RoutingChecks.routerOutput("chirp.wav", right).isEmpty());
        float[] gates = right.gates().clone();
        for (int i = 0; i < gates.length; i++) {
            // the router's score of the chosen expert: its log-probability up to the softmax's normalizer
            gates[i] = (float) Math.log(right.routerProbabilities()[i * right.experts() + right.routes()[i]]) + 2f;
        }
        Logits planted = new Logits(right.logProbs(), right.frames(), right.vocab(), right.routes(), gates,
                right.blocks(), right.routerProbabilities(), right.experts());
        List<Violation> v = RoutingChecks.routerOutput("chirp.wav", planted);
        assertEquals(right.blocks(), v.size(), "one report per layer: " + v);
        assertEquals(0, v.getFirst().layer());
        assertEquals(0, v.getFirst().frame());
        assertTrue(v.getFirst().detail().startsWith("gate "), v.getFirst().toString());
        System.out.println(v.getFirst());
    }

    @Test
    void aUsersPropertyFailsOnThePlantedDispatchAndReportsTheShrunkInput() {
        List<String> failures = new ArrayList<>();
        List<String> entries = new ArrayList<>();
        TestExecutionListener listener = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                result.getThrowable().ifPresent(t -> failures.add(String.valueOf(t.getMessage())));
            }

            @Override
            public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
                entries.add(entry.getKeyValuePairs().toString());
            }
        };
        NeighbourDispatchProvider.ACTIVE = true;
        try {
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectMethod(NeighbourDispatchBug.class, "threadsAndBackendsAgree",
                            KitAudio.class.getName())).build(), listener);
        } finally {
            NeighbourDispatchProvider.ACTIVE = false;
        }
        System.out.println(failures);
        System.out.println(entries);
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.getFirst().contains("threads-and-backends (gpu) on generated"), failures.getFirst());
    }
}
