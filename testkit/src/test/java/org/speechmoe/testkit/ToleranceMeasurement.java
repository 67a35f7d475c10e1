package org.speechmoe.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.speechmoe.format.DType;
import org.speechmoe.runtime.api.Logits;
import org.speechmoe.runtime.api.RecognizerOptions;
import org.speechmoe.runtime.api.SpeechMoeModel;

class ToleranceMeasurement {
    @Test
    void measure() throws Exception {
        Path scratch = Files.createTempDirectory("kit");
        for (String name : KitFixtures.models()) {
            for (DType dtype : DType.values()) {
                Path model = KitFixtures.smoe(name, dtype);
                report(name + " " + dtype.label(), model, scratch);
            }
        }
        report("default", KitFixtures.defaultModel(), scratch);
    }

    private static void report(String label, Path model, Path scratch) throws Exception {
        try (RoutingChecks c = new RoutingChecks(model, 2, scratch); SpeechMoeModel m = SpeechMoeModel.open(model)) {
            for (Path wav : KitFixtures.wavs()) {
                KitAudio a = AudioFiles.read(wav);
                Logits spec = m.newRecognizer(RecognizerOptions.defaults().withBackend("scalar").withThreads(1))
                        .logits(a.samples(), a.sampleRate());
                Logits v1 = m.newRecognizer(RecognizerOptions.defaults().withBackend("vector").withThreads(1))
                        .logits(a.samples(), a.sampleRate());
                Logits v2 = m.newRecognizer(RecognizerOptions.defaults().withBackend("vector").withThreads(2))
                        .logits(a.samples(), a.sampleRate());
                LogitsComparison sv = LogitsComparison.of("x", "y", spec, v1, c.tolerance(), (l, e) -> e);
                LogitsComparison vv = LogitsComparison.of("x", "y", v1, v2, c.tolerance(), (l, e) -> e);
                int[][] perm = new int[c.model().layers()][c.model().experts()];
                for (int l = 0; l < perm.length; l++) {
                    for (int e = 0; e < perm[l].length; e++) {
                        perm[l][e] = (e + 1 + l) % perm[l].length;
                    }
                }
                long t0 = System.nanoTime();
                Findings all = c.all(a, perm);
                System.out.printf("MEASURE %s %s scalar-vs-vector gate %.3g logp %.3g | v1-v2 gate %.3g logp %.3g"
                                + " | all %.1fs passed=%s%n%s", label, wav.getFileName(), sv.maxGateDiff(),
                        sv.maxLogProbDiff(), vv.maxGateDiff(), vv.maxLogProbDiff(), (System.nanoTime() - t0) / 1e9,
                        all.passed(), all.report());
            }
        }
    }
}
