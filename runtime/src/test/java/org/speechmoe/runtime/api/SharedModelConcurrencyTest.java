package org.speechmoe.runtime.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.speechmoe.format.DType;
import org.speechmoe.runtime.ReferenceFixtures;
import org.speechmoe.runtime.api.SpeechMoeModel;

/** One model shared by 8 threads, each with its own recognizer, gives exactly the single-threaded results. */
class SharedModelConcurrencyTest {
    @Test
    void eightThreadsOnOneModelGiveTheSingleThreadedTranscripts() throws Exception {
        String model = "aed_bn_swish_e16";
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            for (String u : ReferenceFixtures.utterances(model)) {
                files.add(ReferenceFixtures.wav(u));
            }
        }
        RecognizerOptions options = RecognizerOptions.defaults().withThreads(1).withBeamWidth(4);
        try (SpeechMoeModel m = SpeechMoeModel.open(ReferenceFixtures.smoe(model, DType.Q8))) {
            List<Transcript> expected = new ArrayList<>();
            try (Recognizer r = m.newRecognizer(options)) {
                for (Path f : files) {
                    expected.add(r.transcribe(f));
                }
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                ThreadLocal<Recognizer> perThread = ThreadLocal.withInitial(() -> m.newRecognizer(options));
                List<Future<Transcript>> got = new ArrayList<>();
                for (Path f : files) {
                    got.add(pool.submit(() -> perThread.get().transcribe(f)));
                }
                for (int i = 0; i < files.size(); i++) {
                    Transcript want = expected.get(i);
                    Transcript t = got.get(i).get();
                    assertEquals(want.text(), t.text(), files.get(i).toString());
                    assertEquals(want.words(), t.words());
                    assertEquals(want.tokens(), t.tokens());
                    assertEquals(want.expertUsage(), t.expertUsage());
                }
            } finally {
                pool.shutdown();
            }
        }
    }
}
