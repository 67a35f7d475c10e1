package org.speechmoe.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.speechmoe.format.DType;
import org.speechmoe.format.Shapes;
import org.speechmoe.format.SmoeWriter;
import org.speechmoe.format.TensorCodec;
import org.speechmoe.format.graph.GraphConfig;
import org.speechmoe.format.graph.GraphTensor;
import org.speechmoe.format.graph.GraphTensors;
import org.speechmoe.runtime.model.SpeechMoeModel;

/**
 * Model open time and memory. {@code write} creates a {@code .smoe} file with random weights and exactly the tensors
 * {@link GraphTensors#of} lists for a model size (no checkpoint needed); {@code open}, run in a fresh JVM, times
 * {@link SpeechMoeModel#open} (the file is memory-mapped: only the header, metadata, directory and the small f32
 * vectors are read) and prints the process's resident memory from {@code /proc/self/status}.
 *
 * <pre>
 * java -cp speechmoe-benchmarks.jar org.speechmoe.benchmarks.ModelOpen write S|L f32|f16|bf16|q8 FILE [EXPERTS]
 * java --add-modules jdk.incubator.vector -cp speechmoe-benchmarks.jar org.speechmoe.benchmarks.ModelOpen open FILE [REPEATS]
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
        } else if (args.length >= 2 && args[0].equals("open")) {
            open(Path.of(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 20);
        } else {
            System.err.println("usage: ModelOpen write S|L f32|f16|bf16|q8 FILE [EXPERTS] | open FILE [REPEATS]");
            System.exit(2);
        }
    }

    /** Writes {@code graph}'s tensors with random values: weight matrices as {@code dtype}, the rest f32. */
    public static void write(GraphConfig graph, DType dtype, Path file) throws IOException {
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
            writer.add(t.name(), type, shape, () -> TensorCodec.encode(type, shape,
                    positiveIfVariance(t.name(), Fixtures.randomFloats(count, seed, scale))));
        }
        writer.write(file);
    }

    /** Batch-norm running variances must be positive for the model to be usable. */
    private static float[] positiveIfVariance(String name, float[] values) {
        if (name.endsWith("running_var")) {
            for (int i = 0; i < values.length; i++) {
                values[i] = 1f + Math.abs(values[i]);
            }
        }
        return values;
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
