package org.speechmoe.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.speechmoe.format.DType;
import org.speechmoe.format.Shapes;
import org.speechmoe.format.SmoeWriter;
import org.speechmoe.format.TensorCodec;
import org.speechmoe.format.graph.GraphConfig;
import org.speechmoe.format.graph.GraphTensor;
import org.speechmoe.format.graph.GraphTensors;
import org.speechmoe.runtime.internal.audio.Samples;
import org.speechmoe.runtime.internal.backend.Backends;
import org.speechmoe.runtime.internal.features.Features;
import org.speechmoe.runtime.api.SpeechMoeModel;
import org.speechmoe.runtime.internal.model.LoadedModel;
import org.speechmoe.runtime.internal.state.RecognizerState;
import org.speechmoe.runtime.internal.backend.Backend;

/**
 * Model open time and memory. {@code write} creates a {@code .smoe} file with random weights and exactly the tensors
 * {@link GraphTensors#of} lists for a model size (no checkpoint needed); {@code open}, run in a fresh JVM, times
 * {@link SpeechMoeModel#open} (the file is memory-mapped: only the header, metadata, directory and the small f32
 * vectors are read) and prints the process's resident memory from {@code /proc/self/status}.
 *
 * <pre>
 * java -cp speechmoe-benchmarks.jar org.speechmoe.benchmarks.ModelOpen write S|L f32|f16|bf16|q8 FILE [EXPERTS]
 * java --add-modules jdk.incubator.vector -cp speechmoe-benchmarks.jar org.speechmoe.benchmarks.ModelOpen open FILE [REPEATS]
 * java --add-modules jdk.incubator.vector -cp speechmoe-benchmarks.jar org.speechmoe.benchmarks.ModelOpen verify FILE
 * </pre>
 */
public final class ModelOpen {
    private ModelOpen() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length >= 4 && args[0].equals("write")) {
            Fixtures.Model m = Fixtures.Model.valueOf(args[1]);
            int experts = args.length > 4 ? Integer.parseInt(args[4]) : m.experts;
            long t0 = System.nanoTime();
            write(m.graph(experts), Fixtures.dtype(args[2]), Path.of(args[3]));
            System.out.printf(Locale.ROOT, "wrote %s (%s, %d experts, %s): %.1f MB in %.1f s%n", args[3], m,
                    experts, args[2], Files.size(Path.of(args[3])) / 1e6, (System.nanoTime() - t0) / 1e9);
        } else if (args.length >= 6 && args[0].equals("write-balanced")) {
            Fixtures.Model m = Fixtures.Model.valueOf(args[1]);
            int experts = Integer.parseInt(args[4]);
            long t0 = System.nanoTime();
            double share = writeBalanced(m.graph(experts, true), Fixtures.dtype(args[2]), Path.of(args[3]),
                    ModelSpeed.audio30(Path.of(args[5])));
            System.out.printf(Locale.ROOT, "wrote %s (%s, %d experts, %s, routers balanced: largest expert share %.2f, "
                    + "even %.2f): %.1f MB in %.1f s%n", args[3], m, experts, args[2], share, 1.0 / experts,
                    Files.size(Path.of(args[3])) / 1e6, (System.nanoTime() - t0) / 1e9);
        } else if (args.length >= 2 && args[0].equals("verify")) {
            verify(Path.of(args[1]));
        } else if (args.length >= 2 && args[0].equals("open")) {
            open(Path.of(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 20);
        } else {
            System.err.println("usage: ModelOpen write S|L f32|f16|bf16|q8 FILE [EXPERTS] | write-balanced S|L TYPE FILE "
                    + "EXPERTS REPO_ROOT | open FILE [REPEATS]");
            System.exit(2);
        }
    }

    /** Writes {@code graph}'s tensors with random values: weight matrices as {@code dtype}, the rest f32. */
    public static void write(GraphConfig graph, DType dtype, Path file) throws IOException {
        write(graph, dtype, file, Map.of());
    }

    /**
     * Writes a random model whose routers (with bias) spread {@code audio}'s frames over the experts, as trained
     * routers do: through a stack of random blocks all frames drift towards one direction, and each router's constant
     * part {@code μ·W_e} would send nearly every frame to one expert. Block by block, each router's bias becomes
     * minus the mean log-probability of each expert over the audio, which removes that constant part and leaves the
     * frame-dependent one to choose; the file is rewritten after each block (the later blocks see the new routes).
     * Returns the largest share of frames any expert of any block gets in the end.
     */
    public static double writeBalanced(GraphConfig graph, DType dtype, Path file, Samples audio) throws IOException {
        Map<String, float[]> biases = new HashMap<>();
        int blocks = graph.encoder().numBlocks();
        int experts = graph.moe().numExperts();
        write(graph, dtype, file, biases);
        double share = 0;
        for (int b = 0; b <= blocks; b++) {
            Map<String, float[]> probs = new HashMap<>();
            int[] frames = new int[1];
            try (LoadedModel model = LoadedModel.open(file)) {
                Features feats = model.features(audio);
                Backend backend = Backends.best(Runtime.getRuntime().availableProcessors());
                model.encoder().forward(backend, new RecognizerState(), feats.data(), feats.frames(),
                        (name, data, rows, cols) -> {
                            if (name.startsWith("router_probs_")) {
                                probs.put(name, data.clone());
                                frames[0] = rows;
                            }
                        });
            }
            if (b == blocks) {
                for (float[] p : probs.values()) {
                    int[] counts = new int[experts];
                    for (int t = 0; t < frames[0]; t++) {
                        int best = 0;
                        for (int e = 1; e < experts; e++) {
                            best = p[t * experts + e] > p[t * experts + best] ? e : best;
                        }
                        counts[best]++;
                    }
                    for (int c : counts) {
                        share = Math.max(share, (double) c / frames[0]);
                    }
                }
                break;
            }
            float[] p = probs.get("router_probs_" + b);
            String name = "blocks." + b + ".feed_forward.router_bias";
            float[] bias = biases.computeIfAbsent(name, k -> new float[experts]);
            for (int e = 0; e < experts; e++) {
                double mean = 0;
                for (int t = 0; t < frames[0]; t++) {
                    mean += Math.log(Math.max(p[t * experts + e], 1e-30f));
                }
                bias[e] -= (float) (mean / frames[0]);
            }
            write(graph, dtype, file, biases);
        }
        return share;
    }

    /** {@link #write}, with the tensors named in {@code overrides} taking those values instead of random ones. */
    private static void write(GraphConfig graph, DType dtype, Path file, Map<String, float[]> overrides)
            throws IOException {
        SmoeWriter writer = new SmoeWriter(graph.toMetadata("speechmoe-benchmarks random weights"));
        List<GraphTensor> tensors = GraphTensors.of(graph);
        for (int i = 0; i < tensors.size(); i++) {
            GraphTensor t = tensors.get(i);
            long[] shape = t.shape();
            DType type = t.matrix() ? dtype : DType.F32;
            int count = Math.toIntExact(Shapes.elementCount(shape));
            float scale = shape.length > 1 ? (float) Math.sqrt(3.0 / shape[shape.length - 1]) : 0.1f;
            long seed = i + 1;
            // encoded when the writer reaches the tensor: one tensor on the heap at a time
            float[] fixed = overrides.get(t.name());
            writer.add(t.name(), type, shape, () -> TensorCodec.encode(type, shape, fixed != null ? fixed
                    : positiveIfVariance(t.name(), Fixtures.randomFloats(count, seed, scale))));
        }
        writer.write(file);
    }

    /**
     * Normalization parameters as a freshly initialized model has them (weight 1, bias 0; batch-norm variances
     * positive): with small random ones, every frame's normalized vector carries the same random offset, and the
     * routers send nearly all frames to one expert, which would make the expert-scaling run meaningless.
     */
    private static float[] positiveIfVariance(String name, float[] values) {
        boolean norm = name.contains("norm");
        for (int i = 0; i < values.length; i++) {
            if (name.endsWith("running_var") || norm && name.endsWith(".weight")) {
                values[i] = 1f + Math.abs(values[i]);
            } else if (norm && name.endsWith(".bias")) {
                values[i] = 0f;
            }
        }
        return values;
    }

    /**
     * The cost of the tensor checksums: open without and with them (the vectors' at open), then the matrices' check
     * that the first pass does, twice (the second finds them done).
     */
    private static void verify(Path file) throws IOException {
        try (LoadedModel warm = LoadedModel.open(file, false)) {
            // class loading out of the way
        }
        long t0 = System.nanoTime();
        try (LoadedModel m = LoadedModel.open(file, false)) {
            double off = (System.nanoTime() - t0) / 1e6;
            long t1 = System.nanoTime();
            try (LoadedModel v = LoadedModel.open(file, true)) {
                double on = (System.nanoTime() - t1) / 1e6;
                long t2 = System.nanoTime();
                v.requireIntact();
                double first = (System.nanoTime() - t2) / 1e6;
                long t3 = System.nanoTime();
                v.requireIntact();
                double again = (System.nanoTime() - t3) / 1e6;
                System.out.printf(Locale.ROOT, "%s: %.1f MB; open without checksums %.1f ms, with the vectors' %.1f ms;"
                        + " the matrices' before the first pass %.1f ms (%.2f GB/s), later passes %.3f ms; %s%n", file,
                        Files.size(file) / 1e6, off, on, first, Files.size(file) / first / 1e6, again, memory());
            }
        }
    }

    private static void open(Path file, int repeats) throws IOException {
        System.out.printf(Locale.ROOT, "%s: %.1f MB; before open: %s%n", file, Files.size(file) / 1e6, memory());
        long t0 = System.nanoTime();
        SpeechMoeModel first = SpeechMoeModel.open(file);
        double firstMs = (System.nanoTime() - t0) / 1e6;
        System.out.printf(Locale.ROOT, "first open (cold JVM, includes class loading): %.1f ms; after: %s%n", firstMs,
                memory());
        first.close();
        double[] ms = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long s = System.nanoTime();
            try (SpeechMoeModel m = SpeechMoeModel.open(file)) {
                ms[i] = (System.nanoTime() - s) / 1e6;
                if (i == repeats - 1) {
                    System.out.printf(Locale.ROOT, "with the model open after %d opens: %s%n", repeats, memory());
                }
            }
        }
        Arrays.sort(ms);
        System.out.printf(Locale.ROOT, "open, %d more times: median %.1f ms, min %.1f ms, max %.1f ms%n", repeats,
                ms[repeats / 2], ms[0], ms[repeats - 1]);
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "end: %s; Java heap used %.1f MB%n", memory(),
                (rt.totalMemory() - rt.freeMemory()) / 1e6);
    }

    /** VmRSS and VmHWM (peak RSS) of this process, from /proc/self/status. */
    static String memory() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return "(no /proc/self/status)";
        }
        StringBuilder out = new StringBuilder();
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:") || line.startsWith("VmHWM:")) {
                if (!out.isEmpty()) {
                    out.append(", ");
                }
                out.append(line.replaceAll("\\s+", " "));
            }
        }
        return out.toString();
    }
}
