package org.speechmoe.runtime.api;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.speechmoe.format.SmoeFile;

/** close() twice is harmless; closed things refuse use; a recognizer refuses a second thread. */
class ApiContractTest {
    @Test
    void closingTwiceDoesNothingMore() throws IOException {
        SmoeFile f = SmoeFile.open(DamagedModelTest.good());
        f.close();
        f.close();
        SpeechMoeModel m = SpeechMoeModel.open(DamagedModelTest.good());
        Recognizer r = m.newRecognizer();
        r.close();
        r.close();
        m.close();
        m.close();
    }

    @Test
    void aClosedModelRefusesNewRecognizersAndItsRecognizersRefuseWork() throws IOException {
        SpeechMoeModel m = SpeechMoeModel.open(DamagedModelTest.good());
        Recognizer r = m.newRecognizer();
        m.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, m::newRecognizer);
        assertTrue(DamagedModelTest.oneLine(e).contains("is closed"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> r.transcribe(new float[1600], 16000));
        assertTrue(e.getMessage().contains("model") && e.getMessage().contains("is closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> r.logits(new float[1600], 16000));
    }

    @Test
    void aClosedRecognizerRefusesWork() throws IOException {
        try (SpeechMoeModel m = SpeechMoeModel.open(DamagedModelTest.good())) {
            Recognizer r = m.newRecognizer();
            r.close();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> r.transcribe(new short[1600], 16000));
            assertTrue(e.getMessage().contains("recognizer is closed"), e.getMessage());
            m.newRecognizer().close();
        }
    }

    @Test
    void aRecognizerUsedByTwoThreadsAtOnceRefusesTheSecond() throws Exception {
        float[] audio = new float[16000 * 8];
        Random random = new Random(7);
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (float) random.nextGaussian() * 0.1f;
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (SpeechMoeModel m = SpeechMoeModel.open(DamagedModelTest.good());
             Recognizer r = m.newRecognizer(RecognizerOptions.defaults().withThreads(1))) {
            boolean refused = false;
            for (int attempt = 0; attempt < 10 && !refused; attempt++) {
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<Transcript>> runs = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    runs.add(pool.submit(() -> {
                        start.await();
                        return r.transcribe(audio, 16000);
                    }));
                }
                int done = 0;
                for (Future<Transcript> f : runs) {
                    try {
                        f.get();
                        done++;
                    } catch (java.util.concurrent.ExecutionException x) {
                        IllegalStateException e = (IllegalStateException) x.getCause();
                        assertTrue(e.getMessage().contains("one thread at a time"), e.getMessage());
                        refused = true;
                    }
                }
                assertTrue(done >= 1, "one of the two calls goes through");
            }
            assertTrue(refused, "overlapping calls were never refused");
            r.transcribe(audio, 16000); // free again afterwards
        } finally {
            pool.shutdownNow();
        }
    }
}
