package org.speechmoe.benchmarks;

import java.util.Arrays;

/** Wall-clock timing for the benchmarks that cannot be JMH (other engines, TornadoVM's JVM flags). */
final class WallClock {
    /** One timed call. */
    interface Work {
        void run() throws Exception;
    }

    private WallClock() {
    }

    /** Median wall seconds of {@code runs} calls after {@code warmups} untimed ones. */
    static double medianSeconds(int warmups, int runs, Work work) throws Exception {
        for (int i = 0; i < warmups; i++) {
            work.run();
        }
        double[] s = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            work.run();
            s[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(s);
        return runs % 2 == 1 ? s[runs / 2] : (s[runs / 2 - 1] + s[runs / 2]) / 2;
    }
}
