package org.speechmoe.benchmarks;

import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.speechmoe.runtime.api.Logits;
import org.speechmoe.runtime.api.Recognizer;
import org.speechmoe.runtime.api.RecognizerOptions;
import org.speechmoe.runtime.internal.audio.Samples;
import org.speechmoe.runtime.internal.audio.WavReader;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.backend.Backends;
import org.speechmoe.runtime.internal.encoder.Encoder;
import org.speechmoe.runtime.internal.encoder.EncoderTrace;
import org.speechmoe.runtime.api.SpeechMoeModel;
import org.speechmoe.runtime.internal.model.LoadedModel;
import org.speechmoe.runtime.internal.state.RecognizerState;

/**
 * The same model and 30 s of audio through speechmoe, ONNX Runtime (gathered and dense MoE exports) and PyTorch
 * (timed beforehand by {@code reference/bench_torch.py}, read from {@code torch*.properties}): each engine's
 * log-probabilities against the reference's, then the median realtime factor of each. The timed input of every
 * engine is the reference's CMVN-normalised fbank ({@code feats.f32}), so the fbank is outside every timing;
 * speechmoe's {@link Recognizer#logits} (audio in, its own fbank) is checked and timed as an extra row.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp speechmoe-benchmarks.jar org.speechmoe.benchmarks.EndToEndComparison
 *     DIR [THREADS [WARMUPS [RUNS]]]
 * </pre>
 * DIR holds what {@code benchmarks/run-e2e.sh} writes: model.smoe, audio30.wav, feats.f32, logp.f32, routes.i32,
 * meta.properties, gathered/model.onnx, dense/model.onnx (each export a folder: over 2 GB its weights are external
 * data files beside model.onnx) and torch*.properties (torch.properties: PyTorch as installed; torch-LABEL: another
 * BLAS).
 */
public final class EndToEndComparison {
    private record Row(String engine, String input, double medianSeconds, String check) {
    }

    private EndToEndComparison() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: EndToEndComparison DIR [THREADS [WARMUPS [RUNS]]]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int warmups = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        Properties meta = properties(dir.resolve("meta.properties"));
        int melBins = Integer.parseInt(meta.getProperty("melBins"));
        int vocab = Integer.parseInt(meta.getProperty("vocab"));
        double seconds = Double.parseDouble(meta.getProperty("seconds"));
        float[] feats = floats(dir.resolve("feats.f32"));
        float[] refLogp = floats(dir.resolve("logp.f32"));
        int[] refRoutes = ints(dir.resolve("routes.i32"));
        int frames = feats.length / melBins;
        System.out.printf(Locale.ROOT, "model %s, %.0f s of audio (%d feature frames, %d output frames), %d threads, "
                + "median of %d runs after %d warm-ups%n", meta.getProperty("size"), seconds, frames,
                refLogp.length / vocab, threads, runs, warmups);

        // speechmoe (features in, and audio in) and ONNX Runtime's gathered export take turns, so that JIT warm-up
        // and the host's drift hit them alike; the dense export (every expert on every frame, never the fastest
        // here) runs alone afterwards, so that L never holds two ONNX Runtime sessions at once
        List<Row> rows = new ArrayList<>();
        Path gathered = dir.resolve("gathered").resolve("model.onnx");
        try (SpeechMoeModel model = SpeechMoeModel.open(dir.resolve("model.smoe"));
             LoadedModel graph = LoadedModel.open(dir.resolve("model.smoe"));
             Recognizer recognizer = model.newRecognizer(RecognizerOptions.defaults().withThreads(threads));
             OnnxRuntimeRunner ort = onnx(gathered, melBins, threads)) {
            // the encoder call Recognizer.logits makes after its fbank, on the features every engine gets
            Backend backend = Backends.best(threads);
            RecognizerState state = new RecognizerState();
            Samples audio = WavReader.read(dir.resolve("audio30.wav"));
            Encoder.Output[] enc = new Encoder.Output[1];
            Logits[] lg = new Logits[1];
            OnnxRuntimeRunner.Output[] ortOut = new OnnxRuntimeRunner.Output[1];
            double[] s = WallClock.roundRobin(warmups, runs, List.of(
                    () -> enc[0] = graph.encoder().forward(backend, state, feats.clone(), frames, EncoderTrace.NONE),
                    () -> lg[0] = recognizer.logits(audio.samples(), audio.sampleRate()),
                    () -> ortOut[0] = ort.run(feats)));
            Encoder.Output e = enc[0];
            rows.add(new Row("speechmoe", "features", s[0], compare(e.logProbs(), refLogp, routesOf(e), refRoutes)));
            rows.add(new Row("speechmoe Recognizer.logits", "audio (own fbank)", s[1],
                    compare(lg[0].logProbs(), refLogp, lg[0].routes(), refRoutes)));
            rows.add(new Row("ONNX Runtime gathered", "features", s[2],
                    compare(ortOut[0].logProbs(), refLogp, ortOut[0].routes(), refRoutes)));
        } catch (OrtException ex) {
            throw new IllegalStateException(gathered + ": ONNX Runtime failed: " + ex.getMessage(), ex);
        }
        Path dense = dir.resolve("dense").resolve("model.onnx");
        try (OnnxRuntimeRunner ort = onnx(dense, melBins, threads)) {
            OnnxRuntimeRunner.Output[] out = new OnnxRuntimeRunner.Output[1];
            double s = WallClock.medianSeconds(warmups, runs, () -> out[0] = ort.run(feats));
            rows.add(new Row("ONNX Runtime dense", "features", s,
                    compare(out[0].logProbs(), refLogp, out[0].routes(), refRoutes)));
        } catch (OrtException ex) {
            throw new IllegalStateException(dense + ": ONNX Runtime failed: " + ex.getMessage(), ex);
        }

        // torch.properties: PyTorch as installed; torch-*.properties: the same with another BLAS (run-e2e.sh)
        List<Path> torchFiles;
        try (var files = Files.list(dir)) {
            torchFiles = files.filter(f -> f.getFileName().toString().matches("torch(-.+)?\\.properties")).sorted()
                    .toList();
        }
        if (torchFiles.isEmpty()) {
            System.out.println("no " + dir.resolve("torch.properties") + ": run reference/bench_torch.py first for "
                    + "the PyTorch row");
        }
        for (Path f : torchFiles) {
            Properties torch = properties(f);
            rows.add(new Row("PyTorch " + torch.getProperty("version") + " " + torch.getProperty("label", ""),
                    "features", Double.parseDouble(torch.getProperty("median_s")),
                    "max abs diff " + torch.getProperty("max_abs_diff", "?") + " (reference code)"));
        }
        print(rows, seconds);
    }

    private static OnnxRuntimeRunner onnx(Path file, int melBins, int threads) {
        try {
            return new OnnxRuntimeRunner(file, melBins, threads);
        } catch (OrtException ex) {
            throw new IllegalStateException(file + ": ONNX Runtime cannot load it: " + ex.getMessage(), ex);
        }
    }

    private static void print(List<Row> rows, double seconds) {
        System.out.println();
        System.out.printf(Locale.ROOT, "| %-40s | %-17s | %9s | %7s | %s |%n", "engine", "input", "median s", "RTF",
                "log-probs vs reference");
        System.out.printf("|%s|%s|%s|%s|%s|%n", "-".repeat(42), "-".repeat(19), "-".repeat(11), "-".repeat(9),
                "-".repeat(24));
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %-40s | %-17s | %9.3f | %7.4f | %s |%n", r.engine, r.input,
                    r.medianSeconds, r.medianSeconds / seconds, r.check);
        }
        double smoe = rows.get(0).medianSeconds;
        double ortBest = rows.stream().filter(r -> r.engine.startsWith("ONNX")).mapToDouble(Row::medianSeconds).min()
                .orElse(Double.NaN);
        System.out.println();
        System.out.printf(Locale.ROOT, "speechmoe / ONNX Runtime (best export): %.2f%n", smoe / ortBest);
        rows.stream().filter(r -> r.engine.startsWith("PyTorch")).forEach(t -> System.out.printf(
                Locale.ROOT, "speechmoe / %s: %.2f%n", t.engine.strip(), smoe / t.medianSeconds));
        System.out.println("(ratios of compute time on the same features: below 1 means speechmoe is faster)");
    }

    private static String compare(float[] logp, float[] ref, int[] routes, int[] refRoutes) {
        if (logp.length != ref.length || routes.length != refRoutes.length) {
            return String.format(Locale.ROOT, "SHAPE MISMATCH (%d log-probs, %d routes; reference %d, %d)",
                    logp.length, routes.length, ref.length, refRoutes.length);
        }
        double max = 0;
        for (int i = 0; i < logp.length; i++) {
            max = Math.max(max, Math.abs(logp[i] - ref[i]));
        }
        int same = 0;
        for (int i = 0; i < routes.length; i++) {
            same += routes[i] == refRoutes[i] ? 1 : 0;
        }
        return String.format(Locale.ROOT, "max abs diff %.2e, routes %d/%d equal", max, same, routes.length);
    }

    private static int[] routesOf(Encoder.Output out) {
        int[] routes = new int[out.routings().size() * out.frames()];
        for (int b = 0; b < out.routings().size(); b++) {
            System.arraycopy(out.routings().get(b).experts(), 0, routes, b * out.frames(), out.frames());
        }
        return routes;
    }

    private static Properties properties(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": missing (run benchmarks/run-e2e.sh)");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }

    /** A little-endian f32 file (feats.f32, logp.f32) as floats. */
    static float[] floats(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    private static int[] ints(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[b.remaining() / 4];
        b.asIntBuffer().get(out);
        return out;
    }
}
