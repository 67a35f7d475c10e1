package org.speechmoe.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.speechmoe.runtime.api.GroupedStream;
import org.speechmoe.runtime.api.RecognizerOptions;
import org.speechmoe.runtime.api.SpeechMoeModel;
import org.speechmoe.runtime.api.StreamGroup;
import org.speechmoe.runtime.api.StreamOptions;
import org.speechmoe.runtime.api.StreamingRecognizer;

/**
 * {@link StreamingBenchmark}'s {@code exact} mode: N real-time streams of a causal model, each alone on its own thread
 * against all in one {@link StreamGroup}, and the throughput of each way (over the first 10 s of the audio). Prints
 * JSON lines.
 */
final class ExactCapacity {
    private static final int RATE = 16000;
    /** Seconds of each stream's audio in a throughput run: enough for several utterances and a long left context. */
    private static final int THROUGHPUT_SECONDS = 10;

    private ExactCapacity() {
    }

    /** Untimed: four streams each way, fed as fast as they are taken, so that the JIT has compiled both paths. */
    static void warmUp(SpeechMoeModel m, float[] audio, int block, StreamOptions options) throws Exception {
        throughputAlone(m, audio, block, options, 4);
        throughputGrouped(m, audio, block, options, 4);
    }

    /**
     * A way whose worst lag passed this at some count is not run in real time at larger counts (it would only fall
     * further behind, for minutes of wall time): its throughput says enough.
     */
    private static final double GIVE_UP_LAG_S = 5;
    private static final java.util.Set<String> GAVE_UP = new java.util.HashSet<>();

    static void compare(SpeechMoeModel m, float[] audio, int block, StreamOptions options, int streams)
            throws Exception {
        long[] phases = phases(streams);
        if (!GAVE_UP.contains("alone")) {
            report("alone", streams, audio, block, options, realTimeAlone(m, audio, block, options, phases));
        }
        int chunkBlocks = (int) Math.round(options.chunkSize() * 0.04 * RATE / block);
        for (int every : new int[] {1, chunkBlocks}) {
            String way = "group-decode-every-" + every * block * 1000 / RATE + "ms";
            if (!GAVE_UP.contains(way)) {
                report(way, streams, audio, block, options, realTimeGrouped(m, audio, block, every, options, phases));
            }
        }
        float[] part = Arrays.copyOf(audio, Math.min(audio.length, THROUGHPUT_SECONDS * RATE));
        long cpu = cpuNanos();
        double wall = throughputAlone(m, part, block, options, streams);
        reportThroughput("alone", streams, part, options, wall, (cpuNanos() - cpu) / 1e9);
        cpu = cpuNanos();
        wall = throughputGrouped(m, part, block, options, streams);
        reportThroughput("group", streams, part, options, wall, (cpuNanos() - cpu) / 1e9);
    }

    /** Each stream's start, in nanoseconds after the common start: random within a second, the same every run. */
    private static long[] phases(int streams) {
        Random random = new Random(streams);
        long[] p = new long[streams];
        for (int i = 0; i < streams; i++) {
            p[i] = (long) (random.nextDouble() * 1e9);
        }
        return p;
    }

    /** A run's result: each stream's worst lag, the load average before and after. */
    private record Lags(List<Double> worst, double loadBefore, double loadAfter) {
    }

    /** CPU time of this process so far, all its threads (the JIT's and the collector's too). */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static Lags realTimeAlone(SpeechMoeModel m, float[] audio, int block, StreamOptions options,
                                      long[] phases) throws Exception {
        double before = load();
        RecognizerOptions one = RecognizerOptions.defaults().withThreads(1);
        ExecutorService pool = Executors.newFixedThreadPool(phases.length);
        try {
            long start = System.nanoTime() + 200_000_000L;
            List<Future<Double>> runs = new ArrayList<>();
            for (long phase : phases) {
                runs.add(pool.submit(() -> {
                    double worst = 0;
                    try (StreamingRecognizer s = m.newStream(one, options)) {
                        for (int at = 0; at < audio.length; at += block) {
                            int n = Math.min(block, audio.length - at);
                            long arrives = start + phase + (long) ((at + n) * 1e9 / RATE);
                            sleepUntil(arrives);
                            s.accept(audio, at, n, RATE);
                            worst = Math.max(worst, (System.nanoTime() - arrives) / 1e9);
                        }
                        s.finish();
                    }
                    return worst;
                }));
            }
            List<Double> worst = new ArrayList<>();
            for (Future<Double> f : runs) {
                worst.add(f.get());
            }
            return new Lags(worst, before, load());
        } finally {
            pool.shutdownNow();
        }
    }

    /** The streams in one group, fed by one thread that calls {@code decode()} every {@code every} block periods. */
    private static Lags realTimeGrouped(SpeechMoeModel m, float[] audio, int block, int every, StreamOptions options,
                                        long[] phases) throws Exception {
        double before = load();
        int n = phases.length;
        try (StreamGroup group = m.newStreamGroup(RecognizerOptions.defaults(), options)) {
            List<GroupedStream> streams = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                streams.add(group.newStream());
            }
            int[] next = new int[n];
            double[] worst = new double[n];
            long[] oldest = new long[n];
            long start = System.nanoTime() + 200_000_000L;
            long period = (long) (every * block * 1e9 / RATE);
            for (long tick = start; ; tick += period) {
                long now = System.nanoTime();
                if (now < tick) {
                    sleepUntil(tick);
                    now = tick;
                }
                boolean pending = false;
                for (int i = 0; i < n; i++) {
                    oldest[i] = Long.MAX_VALUE;
                    GroupedStream s = streams.get(i);
                    while (next[i] < audio.length) {
                        int k = Math.min(block, audio.length - next[i]);
                        long arrives = start + phases[i] + (long) ((next[i] + k) * 1e9 / RATE);
                        if (arrives > now) {
                            break;
                        }
                        s.accept(audio, next[i], k, RATE);
                        oldest[i] = Math.min(oldest[i], arrives);
                        next[i] += k;
                        if (next[i] == audio.length) {
                            s.finish();
                        }
                    }
                    pending |= !s.isFinished();
                }
                group.decode();
                long end = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    if (oldest[i] != Long.MAX_VALUE) {
                        worst[i] = Math.max(worst[i], (end - oldest[i]) / 1e9);
                    }
                    streams.get(i).takeUtterances();
                }
                if (!pending) {
                    break;
                }
            }
            List<Double> w = new ArrayList<>();
            for (double x : worst) {
                w.add(x);
            }
            return new Lags(w, before, load());
        }
    }

    /** Seconds of wall time for {@code streams} streams alone, two threads taking turns over them block by block. */
    private static double throughputAlone(SpeechMoeModel m, float[] audio, int block, StreamOptions options,
                                          int streams) throws Exception {
        int threads = Runtime.getRuntime().availableProcessors();
        RecognizerOptions one = RecognizerOptions.defaults().withThreads(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long t0 = System.nanoTime();
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                runs.add(pool.submit(() -> {
                    List<StreamingRecognizer> mine = new ArrayList<>();
                    for (int i = first; i < streams; i += threads) {
                        mine.add(m.newStream(one, options));
                    }
                    for (int at = 0; at < audio.length; at += block) {
                        for (StreamingRecognizer s : mine) {
                            s.accept(audio, at, Math.min(block, audio.length - at), RATE);
                        }
                    }
                    for (StreamingRecognizer s : mine) {
                        s.finish();
                        s.close();
                    }
                    return null;
                }));
            }
            for (Future<?> f : runs) {
                f.get();
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Seconds of wall time for {@code streams} streams in one group, a block of each then one decode(). */
    private static double throughputGrouped(SpeechMoeModel m, float[] audio, int block, StreamOptions options,
                                            int streams) {
        try (StreamGroup group = m.newStreamGroup(RecognizerOptions.defaults(), options)) {
            List<GroupedStream> all = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                all.add(group.newStream());
            }
            long t0 = System.nanoTime();
            for (int at = 0; at < audio.length; at += block) {
                for (GroupedStream s : all) {
                    s.accept(audio, at, Math.min(block, audio.length - at), RATE);
                }
                group.decode();
            }
            all.forEach(GroupedStream::finish);
            group.decode();
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    private static void report(String way, int streams, float[] audio, int block, StreamOptions options, Lags lags) {
        if (StreamingBenchmark.pct(lags.worst(), 100) > GIVE_UP_LAG_S) {
            GAVE_UP.add(way);
        }
        System.out.printf(Locale.ROOT, "{\"mode\":\"exact-realtime\",\"way\":\"%s\",\"streams\":%d,\"chunk_frames\":%d,"
                        + "\"audio_s\":%.1f,\"block_ms\":%d,\"worst_lag_s\":%.3f,\"median_stream_worst_lag_s\":%.3f,"
                        + "\"load_before\":%.1f,\"load_after\":%.1f}%n", way, streams, options.chunkSize(),
                audio.length / (double) RATE, block * 1000 / RATE, StreamingBenchmark.pct(lags.worst(), 100),
                StreamingBenchmark.pct(lags.worst(), 50), lags.loadBefore(), lags.loadAfter());
    }

    /**
     * {@code realtime_streams}: audio seconds per wall second, what this run got of a shared machine;
     * {@code streams_per_core_by_cpu}: audio seconds per CPU second of this process, the streams one core would hold
     * were it this process's alone (contention for caches and memory with other processes still slows it).
     */
    private static void reportThroughput(String way, int streams, float[] audio, StreamOptions options,
                                         double seconds, double cpuSeconds) {
        double audioSeconds = streams * audio.length / (double) RATE;
        System.out.printf(Locale.ROOT, "{\"mode\":\"exact-throughput\",\"way\":\"%s\",\"streams\":%d,"
                        + "\"chunk_frames\":%d,\"audio_s\":%.1f,\"wall_s\":%.2f,\"realtime_streams\":%.1f,"
                        + "\"cpu_s\":%.2f,\"streams_per_core_by_cpu\":%.1f,\"load_after\":%.1f}%n", way, streams,
                options.chunkSize(), audioSeconds, seconds, audioSeconds / seconds, cpuSeconds,
                audioSeconds / cpuSeconds, load());
    }
}
