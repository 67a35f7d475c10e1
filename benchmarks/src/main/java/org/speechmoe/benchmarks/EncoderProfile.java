package org.speechmoe.benchmarks;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.speechmoe.runtime.internal.backend.Backends;
import org.speechmoe.runtime.internal.encoder.EncoderTrace;
import org.speechmoe.runtime.internal.model.LoadedModel;
import org.speechmoe.runtime.internal.state.RecognizerState;

/**
 * Where the encoder's time goes: runs {@code model.encoder().forward} on a features file (what
 * {@code benchmarks/run-e2e.sh} writes) through a {@link ProfilingBackend}, three warm-ups then RUNS timed runs, and
 * prints the time per operation and shape summed over the timed runs.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp speechmoe-benchmarks.jar org.speechmoe.benchmarks.EncoderProfile
 *     MODEL.smoe FEATS.f32 [THREADS [RUNS]]
 * </pre>
 */
public final class EncoderProfile {
    private static final int WARMUPS = 3;

    private EncoderProfile() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: EncoderProfile MODEL.smoe FEATS.f32 [THREADS [RUNS]]");
            System.exit(2);
        }
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        float[] feats = EndToEndComparison.floats(Path.of(args[1]));
        try (LoadedModel model = LoadedModel.open(Path.of(args[0]))) {
            int frames = feats.length / model.config().features().numMelBins();
            ProfilingBackend backend = new ProfilingBackend(Backends.best(threads));
            RecognizerState state = new RecognizerState();
            long[] walls = new long[runs];
            for (int r = -WARMUPS; r < runs; r++) {
                if (r == 0) {
                    backend.reset();
                }
                long t0 = System.nanoTime();
                model.encoder().forward(backend, state, feats.clone(), frames, EncoderTrace.NONE);
                if (r >= 0) {
                    walls[r] = System.nanoTime() - t0;
                }
            }
            long wall = Arrays.stream(walls).sum();
            long[] sorted = walls.clone();
            Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "%d feature frames, %d threads, %d runs after %d warm-ups: median %.1f ms "
                    + "(%.1f - %.1f); the table sums all %d runs:%n%n", frames, threads, runs, WARMUPS,
                    sorted[runs / 2] / 1e6, sorted[0] / 1e6, sorted[runs - 1] / 1e6, runs);
            System.out.print(backend.table(wall));
        }
    }
}
