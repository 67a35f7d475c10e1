package org.speechmoe.runtime.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.io.IOException;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.speechmoe.format.DType;
import org.speechmoe.runtime.ReferenceFixtures;
import org.speechmoe.runtime.api.SpeechMoeModel;

/**
 * f16, bf16 and q8 models against the f32 model on every fixture: the share of routes that change, the mean
 * log-probability change, and the largest change on frames that every block routed as the f32 model did stay within
 * the tolerances documented in docs/RUNTIME.md. Where a route flips, the frame is computed by another expert (a
 * different function, by design) and attention carries some of that to its neighbours: the random-weight fixture
 * models have small router margins, so that is where quantization shows.
 */
class QuantizedModelTest {
    /** Largest |log p| change on frames routed alike, by stored type. */
    static float logProbTolerance(DType t) {
        return switch (t) {
            case F32 -> 0f;
            case F16 -> 0.01f;
            case BF16, Q8 -> 0.6f;
        };
    }

    /** Largest mean |log p| change over all frames and tokens, by stored type. */
    static double meanTolerance(DType t) {
        return switch (t) {
            case F32 -> 0;
            case F16 -> 0.002;
            case BF16, Q8 -> 0.05;
        };
    }

    /** Largest share of routes that may change, by stored type. */
    static double routeTolerance(DType t) {
        return switch (t) {
            case F32, F16 -> 0;
            case BF16, Q8 -> 0.03;
        };
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F16", "BF16", "Q8"})
    void quantizedModelsStayCloseToF32(DType dtype) throws IOException {
        float worst = 0;
        double sum = 0;
        long count = 0;
        int routes = 0;
        int changed = 0;
        for (String model : ReferenceFixtures.models()) {
            try (SpeechMoeModel f32 = SpeechMoeModel.open(ReferenceFixtures.smoe(model, DType.F32));
                 SpeechMoeModel q = SpeechMoeModel.open(ReferenceFixtures.smoe(model, dtype));
                 Recognizer a = f32.newRecognizer(); Recognizer b = q.newRecognizer()) {
                for (String u : ReferenceFixtures.utterances(model)) {
                    Path audio = ReferenceFixtures.wav(u);
                    Logits x = a.logits(audio);
                    Logits y = b.logits(audio);
                    for (int t = 0; t < x.frames(); t++) {
                        boolean alike = true;
                        for (int blk = 0; blk < x.blocks(); blk++) {
                            int i = blk * x.frames() + t;
                            routes++;
                            changed += x.routes()[i] == y.routes()[i] ? 0 : 1;
                            alike &= x.routes()[i] == y.routes()[i];
                        }
                        for (int v = 0; v < x.vocab(); v++) {
                            float d = Math.abs(x.logProbs()[t * x.vocab() + v] - y.logProbs()[t * x.vocab() + v]);
                            worst = Math.max(worst, alike ? d : 0);
                            sum += d;
                            count++;
                        }
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s: routes changed %d of %d; frames routed alike: max |dlogp| %.5f, mean %.6f%n",
                dtype.label(), changed, routes, worst, sum / count);
        assertTrue(worst <= logProbTolerance(dtype), dtype + ": max log-prob change " + worst);
        assertTrue(sum / count <= meanTolerance(dtype), dtype + ": mean log-prob change " + sum / count);
        assertTrue(changed <= routeTolerance(dtype) * routes, dtype + ": " + changed + " of " + routes
                + " routes changed");
    }
}
