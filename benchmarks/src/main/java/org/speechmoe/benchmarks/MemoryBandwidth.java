package org.speechmoe.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * This machine's read bandwidth from memory, the bound of a pass whose weights do not fit the caches: sums the floats
 * of an off-heap buffer much larger than the last-level cache (as the kernels read mapped weights) with 1 and with
 * 2 threads, each thread its own contiguous half, and prints the median GB/s of RUNS passes after 2 warm-ups.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp speechmoe-benchmarks.jar org.speechmoe.benchmarks.MemoryBandwidth
 *     [MIB [RUNS]]        (defaults 1024 and 9)
 * </pre>
 */
public final class MemoryBandwidth {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private MemoryBandwidth() {
    }

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        long bytes = mib << 20;
        try (Arena arena = Arena.ofShared(); ExecutorService pool = Executors.newFixedThreadPool(2)) {
            MemorySegment buffer = arena.allocate(bytes, 64);
            for (long i = 0; i < bytes / 4; i += 1024) {
                buffer.setAtIndex(F32, i, (float) (i % 7));
            }
            MemorySegment shared = buffer.asReadOnly();
            System.out.printf(Locale.ROOT, "reading %d MiB, %d-float vectors, median of %d passes after 2 warm-ups%n",
                    mib, FS.length(), runs);
            for (int threads = 1; threads <= 2; threads++) {
                double[] seconds = new double[runs];
                double check = 0;
                for (int r = -2; r < runs; r++) {
                    long t0 = System.nanoTime();
                    List<Future<Float>> parts = new ArrayList<>();
                    long part = bytes / threads / 64 * 64;
                    for (int k = 0; k < threads; k++) {
                        long from = k * part;
                        long to = k == threads - 1 ? bytes : from + part;
                        parts.add(pool.submit(() -> sum(shared, from, to)));
                    }
                    float total = 0;
                    for (Future<Float> f : parts) {
                        total += f.get();
                    }
                    if (r >= 0) {
                        seconds[r] = (System.nanoTime() - t0) / 1e9;
                    }
                    check += total;
                }
                Arrays.sort(seconds);
                double s = seconds[runs / 2];
                System.out.printf(Locale.ROOT, "%d thread%s: %.1f GB/s (%.1f ms a pass; best %.1f GB/s)  [sum %.3g]%n",
                        threads, threads == 1 ? " " : "s", bytes / s / 1e9, s * 1e3, bytes / seconds[0] / 1e9, check);
            }
        }
    }

    /** Four independent accumulators, so that the loop waits on memory, not on the adds. */
    private static float sum(MemorySegment m, long from, long to) {
        FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
        long step = 4L * FS.vectorByteSize();
        long i = from;
        for (; i + step <= to; i += step) {
            a0 = a0.add(FloatVector.fromMemorySegment(FS, m, i, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(FloatVector.fromMemorySegment(FS, m, i + FS.vectorByteSize(), ByteOrder.LITTLE_ENDIAN));
            a2 = a2.add(FloatVector.fromMemorySegment(FS, m, i + 2L * FS.vectorByteSize(), ByteOrder.LITTLE_ENDIAN));
            a3 = a3.add(FloatVector.fromMemorySegment(FS, m, i + 3L * FS.vectorByteSize(), ByteOrder.LITTLE_ENDIAN));
        }
        float s = a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
        for (; i < to; i += 4) {
            s += m.get(F32, i);
        }
        return s;
    }
}
