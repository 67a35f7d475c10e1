package org.speechmoe.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.speechmoe.runtime.api.AudioSource;
import org.speechmoe.runtime.api.LanguageModel;
import org.speechmoe.runtime.api.Recognizer;
import org.speechmoe.runtime.api.RecognizerOptions;
import org.speechmoe.runtime.api.SpeechMoeModel;
import org.speechmoe.runtime.api.StreamOptions;
import org.speechmoe.runtime.api.StreamingRecognizer;
import org.speechmoe.runtime.api.Utterance;

/**
 * What streaming costs, on the public API: a recording of spoken commands with pauses (every WAV of a folder, each
 * after a second of silence, repeated to the length asked) fed to streams.
 * <ul>
 * <li>{@code latency}: one stream fed block by block as fast as it takes them; per block, the compute time of
 *     {@code accept}: for the blocks that end an utterance this is the time from the endpoint rule firing to the final
 *     result, for the others the delay of a partial result. Also the realtime factor, against offline recognition of
 *     the same audio in the same run.</li>
 * <li>{@code capacity}: N streams, each on its own thread with one kernel thread, fed in real time (each block when
 *     its audio would have arrived), after four untimed streams over the audio; how far behind real time the worst
 *     stream falls, and the median over streams of each one's worst lag, per N.</li>
 * <li>{@code exact FRAMES N...} (a causal model): per N, the same N real-time streams decoded chunk by chunk exactly
 *     (chunks of FRAMES output frames), first each stream alone on its own thread ({@code StreamingRecognizer}, one
 *     kernel thread each), then all in one {@code StreamGroup} (one thread feeding the streams and calling
 *     {@code decode()} once per block period, then again once per chunk period, the group's passes on all cores); the
 *     streams start at random phases within a second, the same in every run. A block's lag is from its arrival to the
 *     end of the call that recognized it ({@code accept}, or the {@code decode()} after it was queued); a way that
 *     fell more than 5 s behind is not run in real time at larger N. Then, per way, the throughput: the N streams'
 *     audio (its first 10 s) fed as fast as it is taken, audio seconds per wall second (the real-time streams the
 *     machine could hold with nothing else running and, for the group, the streams' chunks in step).</li>
 * </ul>
 * <pre>
 * java --add-modules jdk.incubator.vector -cp speechmoe-benchmarks.jar org.speechmoe.benchmarks.StreamingBenchmark \
 *     MODEL WAV_DIR SECONDS CHUNK_MS latency [LM.smlm]
 * java ... StreamingBenchmark MODEL WAV_DIR SECONDS CHUNK_MS capacity N...
 * java ... StreamingBenchmark CAUSAL_MODEL WAV_DIR SECONDS CHUNK_MS exact FRAMES N...
 * </pre>
 * With a language model, {@code latency} decodes with it at the default weights (beam search); without, greedily.
 */
public final class StreamingBenchmark {
    private StreamingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: StreamingBenchmark MODEL WAV_DIR SECONDS CHUNK_MS latency [LM] | capacity N..."
                    + " | exact FRAMES N...");
            System.exit(2);
        }
        Path model = Path.of(args[0]);
        float[] audio = commands(Path.of(args[1]), Double.parseDouble(args[2]));
        int chunk = 16 * Integer.parseInt(args[3]);
        try (SpeechMoeModel m = SpeechMoeModel.open(model)) {
            if (args[4].equals("latency")) {
                if (args.length > 5) {
                    try (LanguageModel lm = LanguageModel.open(Path.of(args[5]))) {
                        latency(m, audio, chunk, RecognizerOptions.defaults().withLanguageModel(lm));
                    }
                } else {
                    latency(m, audio, chunk, RecognizerOptions.defaults());
                }
            } else if (args[4].equals("exact")) {
                int frames = Integer.parseInt(args[5]);
                StreamOptions options = StreamOptions.defaults().withChunkSize(frames);
                ExactCapacity.warmUp(m, audio, chunk, options);
                for (int i = 6; i < args.length; i++) {
                    int n = Integer.parseInt(args[i]);
                    ExactCapacity.compare(m, audio, chunk, options, n);
                }
            } else {
                // untimed first: streams on several threads fed block by block as fast as they take them, so that
                // the JIT has compiled what real-time streams run before anything is timed
                warmUp(m, audio, chunk, 4);
                for (int i = 5; i < args.length; i++) {
                    capacity(m, audio, chunk, Integer.parseInt(args[i]));
                }
                memory(m, audio, 16);
            }
        }
    }

    /** The folder's 16 kHz WAVs in name order, each after a second of silence, over and over to {@code seconds}. */
    static float[] commands(Path dir, double seconds) throws IOException {
        List<float[]> parts = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".wav")).sorted().toList()) {
                try (AudioSource s = AudioSource.open(f)) {
                    if (s.sampleRate() != 16000) {
                        throw new IOException(f + ": not 16 kHz");
                    }
                    float[] all = new float[0];
                    float[] block = new float[4096];
                    for (int n; (n = s.read(block)) >= 0; ) {
                        all = Arrays.copyOf(all, all.length + n);
                        System.arraycopy(block, 0, all, all.length - n, n);
                    }
                    parts.add(new float[16000]);
                    parts.add(all);
                }
            }
        }
        int total = (int) (seconds * 16000);
        float[] out = new float[total];
        for (int at = 0, i = 0; at < total; i++) {
            float[] p = parts.get(i % parts.size());
            int n = Math.min(p.length, total - at);
            System.arraycopy(p, 0, out, at, n);
            at += n;
        }
        return out;
    }

    private static void latency(SpeechMoeModel m, float[] audio, int chunk, RecognizerOptions options) {
        for (int run = 0; run < 2; run++) {
            // run 0 warms the JIT up; run 1 is reported
            List<Double> finals = new ArrayList<>();
            List<Double> partials = new ArrayList<>();
            long started = System.nanoTime();
            int utterances = 0;
            try (StreamingRecognizer s = m.newStream(options, StreamOptions.defaults())) {
                for (int at = 0; at < audio.length; at += chunk) {
                    long t0 = System.nanoTime();
                    List<Utterance> done = s.accept(audio, at, Math.min(chunk, audio.length - at), 16000);
                    double ms = (System.nanoTime() - t0) / 1e6;
                    (done.isEmpty() ? partials : finals).add(ms);
                    utterances += done.size();
                }
                utterances += s.finish().size();
            }
            double streamSeconds = (System.nanoTime() - started) / 1e9;
            long t0 = System.nanoTime();
            try (Recognizer r = m.newRecognizer(options)) {
                r.transcribe(audio, 16000);
            }
            double offlineSeconds = (System.nanoTime() - t0) / 1e9;
            if (run == 1) {
                double audioSeconds = audio.length / 16000.0;
                System.out.printf(Locale.ROOT, "{\"mode\":\"latency\",\"lm\":%b,\"audio_s\":%.1f,\"chunk_ms\":%d,"
                                + "\"utterances\":%d,\"final_ms_median\":%.1f,\"final_ms_p95\":%.1f,\"final_ms_max\":%.1f,"
                                + "\"block_ms_median\":%.1f,\"block_ms_p95\":%.1f,\"block_ms_max\":%.1f,"
                                + "\"stream_rtf\":%.4f,\"offline_rtf\":%.4f}%n",
                        options.languageModel() != null, audioSeconds, chunk / 16, utterances, pct(finals, 50), pct(finals, 95), pct(finals, 100),
                        pct(partials, 50), pct(partials, 95), pct(partials, 100), streamSeconds / audioSeconds,
                        offlineSeconds / audioSeconds);
            }
        }
    }

    private static void capacity(SpeechMoeModel m, float[] audio, int chunk, int streams) throws Exception {
        RecognizerOptions options = RecognizerOptions.defaults().withThreads(1);
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        try {
            long start = System.nanoTime() + 200_000_000L;
            List<Future<double[]>> runs = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                runs.add(pool.submit(() -> {
                    double worstLag = 0;
                    try (StreamingRecognizer s = m.newStream(options, StreamOptions.defaults())) {
                        for (int at = 0; at < audio.length; at += chunk) {
                            int n = Math.min(chunk, audio.length - at);
                            long arrives = start + (long) ((at + n) / 16000.0 * 1e9);
                            long wait = arrives - System.nanoTime();
                            if (wait > 0) {
                                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                            }
                            s.accept(audio, at, n, 16000);
                            worstLag = Math.max(worstLag, (System.nanoTime() - arrives) / 1e9);
                        }
                        s.finish();
                    }
                    return new double[] {worstLag, (System.nanoTime() - start) / 1e9};
                }));
            }
            List<Double> lags = new ArrayList<>();
            double end = 0;
            for (Future<double[]> f : runs) {
                lags.add(f.get()[0]);
                end = Math.max(end, f.get()[1]);
            }
            System.out.printf(Locale.ROOT, "{\"mode\":\"capacity\",\"streams\":%d,\"audio_s\":%.1f,\"chunk_ms\":%d,"
                    + "\"worst_lag_s\":%.3f,\"median_stream_worst_lag_s\":%.3f,\"wall_s\":%.1f}%n", streams,
                    audio.length / 16000.0, chunk / 16, pct(lags, 100), pct(lags, 50), end);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void warmUp(SpeechMoeModel m, float[] audio, int chunk, int streams) throws Exception {
        RecognizerOptions options = RecognizerOptions.defaults().withThreads(1);
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                runs.add(pool.submit(() -> {
                    try (StreamingRecognizer s = m.newStream(options, StreamOptions.defaults())) {
                        for (int at = 0; at < audio.length; at += chunk) {
                            s.accept(audio, at, Math.min(chunk, audio.length - at), 16000);
                        }
                        s.finish();
                    }
                }));
            }
            for (Future<?> f : runs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Heap held per stream: {@code streams} streams each fed the audio's first 15 s without finishing (each holds
     * its utterance in progress and its recognizer's scratch), after a full GC, against the heap before.
     */
    private static void memory(SpeechMoeModel m, float[] audio, int streams) {
        RecognizerOptions options = RecognizerOptions.defaults().withThreads(1);
        int n = Math.min(audio.length, 15 * 16000);
        long before = usedAfterGc();
        List<StreamingRecognizer> open = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            StreamingRecognizer s = m.newStream(options, StreamOptions.defaults());
            s.accept(audio, 0, n, 16000);
            open.add(s);
        }
        long after = usedAfterGc();
        System.out.printf(Locale.ROOT, "{\"mode\":\"memory\",\"streams\":%d,\"heap_mb_per_stream\":%.2f}%n", streams,
                (after - before) / 1e6 / streams);
        open.forEach(StreamingRecognizer::close);
    }

    private static long usedAfterGc() {
        Runtime r = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return r.totalMemory() - r.freeMemory();
    }

    static double pct(List<Double> values, int p) {
        if (values.isEmpty()) {
            return 0;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v[(int) Math.min(v.length - 1, Math.ceil(p / 100.0 * v.length) - 1 < 0 ? 0
                : Math.ceil(p / 100.0 * v.length) - 1)];
    }
}
