package org.speechmoe.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.speechmoe.runtime.api.Logits;
import org.speechmoe.runtime.api.Recognizer;
import org.speechmoe.runtime.api.RecognizerOptions;
import org.speechmoe.runtime.internal.audio.Samples;
import org.speechmoe.runtime.internal.audio.WavReader;
import org.speechmoe.runtime.api.SpeechMoeModel;

/**
 * Times whole models on the same 30 s of audio: opens them all, then runs {@link Recognizer#logits} (fbank, CMVN,
 * encoder, output layer: everything but decoding) on each in turn, round robin, WARMUPS then RUNS rounds; prints
 * each model's median and how evenly its routers spread the frames. Used for the expert-scaling run (the same S model with 4 to 64 experts) and for L in f32 against q8
 * ({@code benchmarks/run-scaling.sh}). The audio is every 16 kHz WAV of the repository repeated to 30 s, as
 * {@code reference/e2e_model.py} makes it.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp speechmoe-benchmarks.jar org.speechmoe.benchmarks.ModelSpeed
 *     REPO_ROOT THREADS WARMUPS RUNS MODEL.smoe...
 * </pre>
 */
public final class ModelSpeed {
    static final double SECONDS = 30.0;
    static final List<String> WAVS = List.of("samples/synthetic-espeak.wav", "testdata/wav/chirp.wav",
            "testdata/wav/vowels.wav", "testdata/wav/mixed.wav");

    private record Row(String model, long bytes, int experts, double openMs, double seconds, double maxShare) {
    }

    private ModelSpeed() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: ModelSpeed REPO_ROOT THREADS WARMUPS RUNS MODEL.smoe...");
            System.exit(2);
        }
        Path root = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        int warmups = Integer.parseInt(args[2]);
        int runs = Integer.parseInt(args[3]);
        Samples audio = audio30(root);
        int n = args.length - 4;
        SpeechMoeModel[] models = new SpeechMoeModel[n];
        Recognizer[] recognizers = new Recognizer[n];
        double[] openMs = new double[n];
        Logits[] last = new Logits[n];
        try {
            for (int m = 0; m < n; m++) {
                long t0 = System.nanoTime();
                models[m] = SpeechMoeModel.open(Path.of(args[4 + m]));
                recognizers[m] = models[m].newRecognizer(RecognizerOptions.defaults().withThreads(threads));
                openMs[m] = (System.nanoTime() - t0) / 1e6;
            }
            // round robin, warm-ups included: every model sees the same JIT state and the same drift of a shared host
            List<WallClock.Work> works = new ArrayList<>();
            for (int m = 0; m < n; m++) {
                int model = m;
                works.add(() -> last[model] = recognizers[model].logits(audio.samples(), audio.sampleRate()));
            }
            double[] medians = WallClock.roundRobin(warmups, runs, works);
            List<Row> rows = new ArrayList<>();
            for (int m = 0; m < n; m++) {
                Path file = Path.of(args[4 + m]);
                int experts = models[m].config().moe().numExperts();
                rows.add(new Row(file.getFileName().toString(), Files.size(file), experts, openMs[m], medians[m],
                        maxShare(last[m], experts)));
            }
            print(rows, threads, warmups, runs);
            System.out.println("memory of the process with all models open and run: " + ModelOpen.memory());
        } finally {
            for (int m = 0; m < n; m++) {
                if (recognizers[m] != null) {
                    recognizers[m].close();
                }
                if (models[m] != null) {
                    models[m].close();
                }
            }
        }
    }

    /** The largest fraction of frames any expert of any block got: 1/E when the routing is even. */
    private static double maxShare(Logits logits, int experts) {
        double max = 0;
        for (int b = 0; b < logits.blocks(); b++) {
            int[] counts = new int[experts];
            for (int t = 0; t < logits.frames(); t++) {
                counts[logits.routes()[b * logits.frames() + t]]++;
            }
            for (int c : counts) {
                max = Math.max(max, (double) c / logits.frames());
            }
        }
        return max;
    }

    private static void print(List<Row> rows, int threads, int warmups, int runs) {
        System.out.printf(Locale.ROOT, "%n%.0f s of audio, %d threads, median of %d runs after %d warm-ups%n%n",
                SECONDS, threads, runs, warmups);
        System.out.printf("| model | file MB | experts | open ms | median s | RTF | ms per audio s | vs first | "
                + "largest expert share |%n|---|---|---|---|---|---|---|---|---|%n");
        double first = rows.get(0).seconds;
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %s | %.0f | %d | %.1f | %.3f | %.4f | %.1f | %.2fx | %.2f (even: %.2f) |%n",
                    r.model, r.bytes / 1e6, r.experts, r.openMs, r.seconds, r.seconds / SECONDS,
                    1000 * r.seconds / SECONDS, r.seconds / first, r.maxShare, 1.0 / r.experts);
        }
    }

    /** The repository's 16 kHz WAVs, one after another, repeated to exactly 30 s. */
    static Samples audio30(Path root) throws IOException {
        List<float[]> parts = new ArrayList<>();
        for (String wav : WAVS) {
            Samples s = WavReader.read(root.resolve(wav));
            if (s.sampleRate() != 16000) {
                throw new IllegalStateException(wav + " is not 16 kHz");
            }
            parts.add(s.samples());
        }
        float[] out = new float[(int) (SECONDS * 16000)];
        int at = 0;
        while (at < out.length) {
            for (float[] p : parts) {
                int n = Math.min(p.length, out.length - at);
                System.arraycopy(p, 0, out, at, n);
                at += n;
            }
        }
        return new Samples(out, 16000);
    }
}
