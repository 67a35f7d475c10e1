package org.speechmoe.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where ONNX Runtime's time goes on the same model and features as {@link EncoderProfile}: runs one ONNX export with
 * ONNX Runtime's profiler on, WARMUPS untimed passes then RUNS profiled ones, and prints each operator type and
 * shape (summed over the profiled passes, per pass) with its GFLOP/s, in the layout of {@link EncoderProfile}'s table,
 * so the two can be read side by side.
 *
 * <pre>
 * java -cp speechmoe-benchmarks.jar org.speechmoe.benchmarks.OnnxProfile DIR/gathered/model.onnx DIR/feats.f32
 *     [THREADS [RUNS [MEL_BINS]]]
 * </pre>
 */
public final class OnnxProfile {
    private static final int WARMUPS = 3;
    private static final Pattern BLOCK = Pattern.compile("^/blocks\\.(\\d+)");

    private record Pass(long start, long end) {
        boolean contains(long ts) {
            return ts >= start && ts < end;
        }
    }

    private static final class Entry {
        long calls;
        long micros;
        double flops;
        String example;
    }

    private OnnxProfile() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: OnnxProfile MODEL.onnx FEATS.f32 [THREADS [RUNS [MEL_BINS]]]");
            System.exit(2);
        }
        Path onnx = Path.of(args[0]);
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        int melBins = args.length > 4 ? Integer.parseInt(args[4]) : 80;
        float[] feats = EndToEndComparison.floats(Path.of(args[1]));

        Path trace;
        Path prefix = Files.createTempDirectory("ort-profile").resolve("ort");
        try (OnnxRuntimeRunner ort = new OnnxRuntimeRunner(onnx, melBins, threads, prefix)) {
            for (int r = 0; r < WARMUPS + runs; r++) {
                ort.run(feats);
            }
            trace = ort.endProfiling();
        }
        JsonNode events = new ObjectMapper().readTree(trace.toFile());
        List<Pass> passes = new ArrayList<>();
        for (JsonNode e : events) {
            if ("Session".equals(e.path("cat").asText()) && "model_run".equals(e.path("name").asText())) {
                long ts = e.path("ts").asLong();
                passes.add(new Pass(ts, ts + e.path("dur").asLong()));
            }
        }
        passes.sort(Comparator.comparingLong(Pass::start));
        if (passes.size() != WARMUPS + runs) {
            throw new IllegalStateException(trace + ": " + passes.size() + " model_run events, expected "
                    + (WARMUPS + runs));
        }
        List<Pass> timed = passes.subList(WARMUPS, passes.size());
        long[] walls = timed.stream().mapToLong(p -> p.end - p.start).sorted().toArray();
        long wall = timed.stream().mapToLong(p -> p.end - p.start).sum();

        // the embedding network's blocks come first and keep their names; the encoder's blocks of the same index get
        // "_1" on their modules (ONNX's duplicate names), so the embedding network has as many blocks as the
        // highest such index + 1
        int embeddingBlocks = 0;
        for (JsonNode e : events) {
            String name = e.path("name").asText();
            Matcher m = BLOCK.matcher(name);
            if (m.find() && renamed(name)) {
                embeddingBlocks = Math.max(embeddingBlocks, Integer.parseInt(m.group(1)) + 1);
            }
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (JsonNode e : events) {
            String name = e.path("name").asText();
            if (!"Node".equals(e.path("cat").asText()) || !name.endsWith("_kernel_time")) {
                continue;
            }
            long ts = e.path("ts").asLong();
            if (timed.stream().noneMatch(p -> p.contains(ts))) {
                continue;
            }
            JsonNode a = e.path("args");
            String op = a.path("op_name").asText();
            List<long[]> in = shapes(a.path("input_type_shape"));
            List<long[]> out = shapes(a.path("output_type_shape"));
            String node = name.substring(0, name.length() - "_kernel_time".length());
            Entry en = entries.computeIfAbsent(op + " " + shapeKey(op, node, embeddingBlocks, in, out),
                    k -> new Entry());
            en.calls++;
            en.micros += e.path("dur").asLong();
            en.flops += flops(op, in, out);
            if (en.example == null) {
                en.example = node;
            }
        }
        long nodes = entries.values().stream().mapToLong(x -> x.micros).sum();
        System.out.printf(Locale.ROOT, "%s, %d threads, %d profiled passes after %d warm-ups: median %.1f ms "
                + "(%.1f - %.1f); per pass:%n%n", onnx, threads, runs, WARMUPS, walls[runs / 2] / 1e3,
                walls[0] / 1e3, walls[runs - 1] / 1e3);
        System.out.printf(Locale.ROOT, "| %-56s | %6s | %8s | %6s | %8s | %s |%n", "operator, shape, module", "calls",
                "ms", "share", "GFLOP/s", "first node");
        System.out.printf("|%s|%s|%s|%s|%s|%s|%n", "-".repeat(58), "-".repeat(8), "-".repeat(10), "-".repeat(8),
                "-".repeat(10), "-".repeat(12));
        entries.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, Entry> x) -> x.getValue().micros).reversed())
                .forEach(x -> {
                    Entry en = x.getValue();
                    System.out.printf(Locale.ROOT, "| %-56s | %6.0f | %8.2f | %5.1f%% | %8s | %s |%n", x.getKey(),
                            (double) en.calls / runs, en.micros / 1e3 / runs, 100.0 * en.micros / wall,
                            en.flops == 0 ? "" : String.format(Locale.ROOT, "%.1f", en.flops / en.micros / 1e3),
                            en.example);
                });
        System.out.printf(Locale.ROOT, "| %-56s | %6s | %8.2f | %5.1f%% | %8s | %s |%n", "between nodes", "",
                (wall - nodes) / 1e3 / runs, 100.0 * (wall - nodes) / wall, "", "");
        double flops = entries.values().stream().mapToDouble(x -> x.flops).sum();
        System.out.printf(Locale.ROOT, "%nGEMMs and convolutions: %.1f GFLOP per pass, %.1f GFLOP/s over the whole pass%n",
                flops / runs / 1e9, flops / wall / 1e3);
        Files.deleteIfExists(trace);
        Files.deleteIfExists(prefix.getParent());
    }

    private static List<long[]> shapes(JsonNode list) {
        List<long[]> out = new ArrayList<>();
        for (JsonNode typed : list) {
            JsonNode dims = typed.elements().hasNext() ? typed.elements().next() : null;
            long[] s = new long[dims == null ? 0 : dims.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = dims.get(i).asLong();
            }
            out.add(s);
        }
        return out;
    }

    private static boolean isMatMul(String op) {
        return op.equals("MatMul") || op.equals("FusedMatMul") || op.equals("Gemm");
    }

    /**
     * GEMMs by depth and width (k->n: A's last dimension, the output's last), convolutions by their weight, and
     * every operator by the module it sits in (the node's path without block numbers), since the gathered export's
     * shapes depend on the routes.
     */
    private static String shapeKey(String op, String node, int embeddingBlocks, List<long[]> in, List<long[]> out) {
        // "_1" marks a name's second use (the embedding network comes first), not another kind of module
        String site = node.replaceAll("/+$", "").replaceAll("/[^/]*$", "").replaceAll("^/blocks\\.\\d+", "/blocks")
                .replaceAll("_\\d+(?=/|$)", "");
        Matcher block = BLOCK.matcher(node);
        if (block.find()) {
            boolean encoder = renamed(node) || Integer.parseInt(block.group(1)) >= embeddingBlocks;
            site = (encoder ? "encoder" : "embedding") + site;
        }
        if (isMatMul(op) && in.size() >= 2 && out.size() == 1) {
            long[] y = out.get(0);
            String batch = y.length > 2 ? " x" + y[0] : "";
            return depth(in.get(0)) + "->" + (y.length == 0 ? 1 : y[y.length - 1]) + batch + " " + site;
        }
        if (op.startsWith("Conv") && in.size() >= 2) {
            return "w" + dims(in.get(1)) + " " + site;
        }
        return site;
    }

    /** A matrix multiply's inner dimension: A's last (exports here never transpose A). */
    private static long depth(long[] a) {
        return a.length == 0 ? 1 : a[a.length - 1];
    }

    /**
     * Whether a node's path (its operator's own name, the last part, aside) carries ONNX's suffix for a repeated name
     * ({@code /blocks.2/self_attn_1/...}, {@code /blocks.0/feed_forward_macaron/w_2_1/...}): {@code w_1} is a module's
     * own name, every other module ending in {@code _1} is a second use.
     */
    private static boolean renamed(String node) {
        String[] parts = node.replaceAll("/+$", "").split("/");
        // modules are lower case; from the first operator name on (Mul_1/QuickGeluFusion) the parts are not modules
        for (int i = 1; i < parts.length - 1 && !parts[i].isEmpty() && Character.isLowerCase(parts[i].charAt(0)); i++) {
            if (parts[i].endsWith("_1") && !parts[i].equals("w_1")) {
                return true;
            }
        }
        return false;
    }

    private static String dims(long[] s) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < s.length; i++) {
            b.append(i == 0 ? "" : "x").append(s[i]);
        }
        return b.append(']').toString();
    }

    private static double flops(String op, List<long[]> in, List<long[]> out) {
        if (out.isEmpty() || in.size() < 2) {
            return 0;
        }
        double outputs = 1;
        for (long d : out.get(0)) {
            outputs *= d;
        }
        long[] w = in.get(1);
        if (isMatMul(op)) {
            return 2 * outputs * depth(in.get(0));
        }
        if (op.startsWith("Conv")) {
            double perOutput = 1;
            for (int i = 1; i < w.length; i++) {
                perOutput *= w[i];
            }
            return 2 * outputs * perOutput;
        }
        return 0;
    }
}
