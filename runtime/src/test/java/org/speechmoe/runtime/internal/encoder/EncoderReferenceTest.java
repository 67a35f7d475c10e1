package org.speechmoe.runtime.internal.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.speechmoe.format.DType;
import org.speechmoe.format.SmoeFile;
import org.speechmoe.format.graph.GraphConfig;
import org.speechmoe.runtime.ReferenceFixtures;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.backend.Backends;
import org.speechmoe.runtime.internal.backend.ScalarBackend;
import org.speechmoe.format.Npy;
import org.speechmoe.runtime.internal.weights.ModelWeights;
import org.speechmoe.runtime.internal.moe.Routing;
import org.speechmoe.runtime.internal.state.RecognizerState;

/** Every stage of the encoder against PyTorch, from the reference CMVN features, for every fixture model. */
class EncoderReferenceTest {
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String m : ReferenceFixtures.models()) {
            for (String u : ReferenceFixtures.utterances(m)) {
                out.add(Arguments.of(m, u));
            }
        }
        return out.stream();
    }

    static List<Backend> backends() {
        return List.of(new ScalarBackend(), Backends.named("vector", 2));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void everyStageMatchesTheReference(String model, String utterance) throws IOException {
        for (Backend backend : backends()) {
            check(model, utterance, backend);
        }
    }

    private void check(String model, String utterance, Backend backend) throws IOException {
        try (SmoeFile file = SmoeFile.open(ReferenceFixtures.smoe(model, DType.F32))) {
            GraphConfig g = GraphConfig.fromMetadata(file.metadata(), file.path().toString());
            Encoder encoder = new Encoder(ModelWeights.check(file, g, true), g);
            Npy.Array feats = ReferenceFixtures.array(model, utterance, "feats");
            Map<String, float[]> traced = new HashMap<>();
            Encoder.Output out = encoder.forward(backend, new RecognizerState(), feats.data(), feats.dim(0),
                    (name, data, rows, cols) -> traced.put(name, data.clone()));
            String where = model + "/" + utterance + " (" + backend.name() + ")";
            List<String> stages = new ArrayList<>(List.of("embed_subsampling", "embed", "subsampling", "logp"));
            for (int i = 0; i < g.embed().numBlocks(); i++) {
                stages.add("embed_block_" + i);
            }
            for (int i = 0; i < g.encoder().numBlocks(); i++) {
                stages.add("block_" + i);
                stages.add("router_probs_" + i);
            }
            for (String stage : stages) {
                Npy.Array want = ReferenceFixtures.array(model, utterance, stage);
                float[] got = traced.get(stage);
                assertEquals(want.data().length, got.length, where + " " + stage + " size");
                float err = maxAbsDiff(want.data(), got);
                assertTrue(err < 1e-3f, where + " " + stage + " max abs error " + err);
            }
            int[] routes = ReferenceFixtures.array(model, utterance, "routes").ints();
            float[] gates = ReferenceFixtures.array(model, utterance, "gates").data();
            int t = out.frames();
            for (int b = 0; b < out.routings().size(); b++) {
                Routing r = out.routings().get(b);
                assertArrayEquals(java.util.Arrays.copyOfRange(routes, b * t, (b + 1) * t), r.experts(),
                        where + " routes of block " + b);
                float err = maxAbsDiff(java.util.Arrays.copyOfRange(gates, b * t, (b + 1) * t), r.gates());
                assertTrue(err < 1e-4f, where + " gates of block " + b + " error " + err);
            }
        }
    }

    static float maxAbsDiff(float[] a, float[] b) {
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
