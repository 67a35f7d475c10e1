package org.speechmoe.benchmarks;

import java.util.Arrays;
import java.util.List;

/** Wall-clock timing for the benchmarks that cannot be JMH (other engines, TornadoVM's JVM flags). */
final class WallClock {
    /** One timed call. */
    interface Work {
        void run() throws Exception;
    }

    private static final long PAUSE_MS = 100;

    private WallClock() {
    }

    /** Median wall seconds of {@code runs} calls after {@code warmups} untimed ones. */
    static double medianSeconds(int warmups, int runs, Work work) throws Exception {
        return roundRobin(warmups, runs, List.of(work))[0];
    }

    /**
     * Median wall seconds of each work, called in turn: {@code warmups} untimed rounds, then {@code runs} timed
     * rounds. Taking turns exposes every work to the same JIT state and the same drift of a shared host, which
     * timing them one after another does not; the order rotates from round to round, so that none always runs
     * right after the same other one. Each call starts after a {@value #PAUSE_MS} ms pause, so that the thread pool
     * of the previous work (ONNX Runtime's spin after a run) has gone idle.
     */
    static double[] roundRobin(int warmups, int runs, List<Work> works) throws Exception {
        for (int i = 0; i < warmups; i++) {
            for (Work w : works) {
                Thread.sleep(PAUSE_MS);
                w.run();
            }
        }
        int n = works.size();
        double[][] s = new double[n][runs];
        for (int i = 0; i < runs; i++) {
            // each round starts with the next work, so that every work follows every other one as often
            for (int j = 0; j < n; j++) {
                int k = (i + j) % n;
                Thread.sleep(PAUSE_MS);
                long t0 = System.nanoTime();
                works.get(k).run();
                s[k][i] = (System.nanoTime() - t0) / 1e9;
            }
        }
        double[] medians = new double[n];
        for (int k = 0; k < medians.length; k++) {
            Arrays.sort(s[k]);
            medians[k] = runs % 2 == 1 ? s[k][runs / 2] : (s[k][runs / 2 - 1] + s[k][runs / 2]) / 2;
        }
        return medians;
    }
}
