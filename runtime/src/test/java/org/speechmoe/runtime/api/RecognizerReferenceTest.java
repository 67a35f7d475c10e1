package org.speechmoe.runtime.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.speechmoe.format.DType;
import org.speechmoe.runtime.ReferenceFixtures;
import org.speechmoe.runtime.internal.decoder.CtcGreedy;
import org.speechmoe.runtime.internal.decoder.EmittedToken;
import org.speechmoe.runtime.internal.decoder.LogProbs;
import org.speechmoe.runtime.api.SpeechMoeModel;

/** WAV in, log-probabilities and routes out, against PyTorch, for every fixture model and both backends. */
class RecognizerReferenceTest {
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String m : ReferenceFixtures.models()) {
            for (String u : ReferenceFixtures.utterances(m)) {
                for (String backend : List.of("scalar", "vector")) {
                    out.add(Arguments.of(m, u, backend));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void logProbsRoutesAndGreedyIdsMatchTheReference(String model, String utterance, String backend)
            throws IOException {
        try (SpeechMoeModel m = SpeechMoeModel.open(ReferenceFixtures.smoe(model, DType.F32));
             Recognizer r = m.newRecognizer(RecognizerOptions.defaults().withBackend(backend).withThreads(2))) {
            Logits got = r.logits(ReferenceFixtures.wav(utterance));
            float[] want = ReferenceFixtures.array(model, utterance, "logp").data();
            assertEquals(want.length, got.logProbs().length);
            float err = 0;
            for (int i = 0; i < want.length; i++) {
                err = Math.max(err, Math.abs(want[i] - got.logProbs()[i]));
            }
            assertTrue(err < 1e-3f, model + "/" + utterance + " " + backend + ": log-prob error " + err);
            assertArrayEquals(ReferenceFixtures.array(model, utterance, "routes").ints(), got.routes());
            int[] ids = CtcGreedy.decode(new LogProbs(got.logProbs(), got.frames(), got.vocab())).stream()
                    .mapToInt(EmittedToken::id).toArray();
            assertArrayEquals(ReferenceFixtures.array(model, utterance, "greedy_ids").ints(), ids,
                    Arrays.toString(ids));
        }
    }
}
