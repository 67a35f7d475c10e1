package org.speechmoe.runtime.internal.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.speechmoe.format.DType;
import org.speechmoe.format.SmoeFile;
import org.speechmoe.format.graph.GraphConfig;
import org.speechmoe.runtime.ReferenceFixtures;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.backend.Backends;
import org.speechmoe.format.Npy;
import org.speechmoe.runtime.internal.weights.ModelWeights;
import org.speechmoe.runtime.internal.state.RecognizerState;

/**
 * What a block leaves in the {@link RecognizerState} for the next block, and what a pass leaves behind for the next one
 * (the backend's per-thread scratch, the cached position table), never changes a result: passes over inputs of
 * different lengths, in any order and repeated on one thread and one encoder, with every workspace array filled with
 * NaN before it is handed out, give bit for bit what a fresh thread with a fresh encoder gives.
 */
class ScratchReuseTest {
    @Test
    void passesOnOneThreadEqualFreshOnes() throws Exception {
        for (String model : ReferenceFixtures.models()) {
            List<Npy.Array> inputs = new ArrayList<>();
            for (String u : ReferenceFixtures.utterances(model)) {
                inputs.add(ReferenceFixtures.array(model, u, "feats"));
            }
            assertTrue(inputs.size() >= 2, model + ": needs two utterances");
            try (SmoeFile file = SmoeFile.open(ReferenceFixtures.smoe(model, DType.F32))) {
                GraphConfig g = GraphConfig.fromMetadata(file.metadata(), file.path().toString());
                Backend backend = Backends.named("vector", 2);
                // the longest first (the position table is cached at its length), then every input twice over
                inputs.sort((a, b) -> Integer.compare(b.dim(0), a.dim(0)));
                List<Npy.Array> order = new ArrayList<>(inputs);
                order.addAll(inputs.reversed());
                order.addAll(inputs);
                Encoder shared = new Encoder(ModelWeights.check(file, g, true), g);
                RecognizerState state = new RecognizerState();
                for (Npy.Array feats : order) {
                    float[] reused;
                    state.poison(true);
                    try {
                        reused = shared.forward(backend, state, feats.data().clone(), feats.dim(0), EncoderTrace.NONE)
                                .logProbs();
                    } finally {
                        state.poison(false);
                    }
                    float[] fresh;
                    try (ExecutorService thread = Executors.newSingleThreadExecutor()) {
                        fresh = thread.submit(() -> new Encoder(ModelWeights.check(file, g, true), g)
                                .forward(backend, new RecognizerState(), feats.data().clone(), feats.dim(0), EncoderTrace.NONE)
                                        .logProbs())
                                .get();
                    }
                    assertArrayEquals(fresh, reused, model + ", " + feats.dim(0) + " frames");
                }
            }
        }
    }
}
