package org.speechmoe.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.speechmoe.runtime.api.ParallelPlan;
import org.speechmoe.runtime.api.Recognizer;
import org.speechmoe.runtime.api.RecognizerOptions;
import org.speechmoe.runtime.api.Transcript;
import org.speechmoe.runtime.api.SpeechMoeModel;

/**
 * An application embedding the Java API: transcribes every file on its command line in parallel, with one shared
 * model and one recognizer per worker thread, and prints {@code file<TAB>text} lines in the order given.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp speechmoe-cli.jar org.speechmoe.examples.ParallelTranscriber \
 *     model.smoe a.wav b.wav ...</pre>
 */
public final class ParallelTranscriber {
    private ParallelTranscriber() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ParallelTranscriber model.smoe audio.wav...");
            System.exit(2);
        }
        // one recognizer per worker thread, the processors shared out between them
        ParallelPlan plan = RecognizerOptions.defaults().planFor(args.length - 1);
        try (SpeechMoeModel model = SpeechMoeModel.open(Path.of(args[0]))) {
            ThreadLocal<Recognizer> recognizers = ThreadLocal.withInitial(() -> model.newRecognizer(plan.each()));
            ExecutorService pool = Executors.newFixedThreadPool(plan.recognizers());
            try {
                List<Future<Transcript>> results = new ArrayList<>();
                for (int i = 1; i < args.length; i++) {
                    Path file = Path.of(args[i]);
                    results.add(pool.submit(() -> recognizers.get().transcribe(file)));
                }
                int failed = 0;
                for (int i = 0; i < results.size(); i++) {
                    try {
                        System.out.println(args[i + 1] + "\t" + results.get(i).get().text());
                    } catch (java.util.concurrent.ExecutionException e) {
                        System.err.println(args[i + 1] + ": " + e.getCause().getMessage());
                        failed++;
                    }
                }
                if (failed > 0) {
                    System.exit(1);
                }
            } finally {
                pool.shutdown();
            }
        }
    }
}
