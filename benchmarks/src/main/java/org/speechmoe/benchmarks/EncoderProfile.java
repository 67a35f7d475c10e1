package org.speechmoe.benchmarks;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.speechmoe.runtime.backend.Backends;
import org.speechmoe.runtime.encoder.EncoderTrace;
import org.speechmoe.runtime.model.SpeechMoeModel;

/**
 * Where the encoder's time goes: runs {@code model.encoder().forward} on a features file (what
 * {@code benchmarks/run-e2e.sh} writes) through a {@link ProfilingBackend} and prints the time per operation and shape
 * of the last run.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp speechmoe-benchmarks.jar org.speechmoe.benchmarks.EncoderProfile
 *     MODEL.smoe FEATS.f32 [THREADS [RUNS]]
 * </pre>
 */
public final class EncoderProfile {
    private EncoderProfile() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: EncoderProfile MODEL.smoe FEATS.f32 [THREADS [RUNS]]");
            System.exit(2);
        }
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(Path.of(args[1]))).order(ByteOrder.LITTLE_ENDIAN);
        float[] feats = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(feats);
        try (SpeechMoeModel model = SpeechMoeModel.open(Path.of(args[0]))) {
            int frames = feats.length / model.config().features().numMelBins();
            ProfilingBackend backend = new ProfilingBackend(Backends.best(threads));
            long wall = 0;
            for (int r = 0; r < runs; r++) {
                backend.reset();
                long t0 = System.nanoTime();
                model.encoder().forward(backend, feats.clone(), frames, EncoderTrace.NONE);
                wall = System.nanoTime() - t0;
                System.out.printf(Locale.ROOT, "run %d: %.1f ms%n", r + 1, wall / 1e6);
            }
            System.out.printf(Locale.ROOT, "%n%d feature frames, %d threads, last run %.1f ms:%n%n", frames, threads,
                    wall / 1e6);
            System.out.print(backend.table(wall));
        }
    }
}
