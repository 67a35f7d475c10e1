package org.speechmoe.converter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.speechmoe.converter.checkpoint.SourceTensor;
import org.speechmoe.format.Shapes;
import org.speechmoe.format.graph.GraphTensor;

/**
 * Pairs every tensor the graph needs with the checkpoint tensor of the same 3m-asr name. Reports every missing,
 * unexpected and mis-shaped tensor at once, so one run shows all that is wrong.
 */
final class TensorMapping {
    /** A graph tensor and where its values come from. */
    record Match(GraphTensor graph, SourceTensor source) {
    }

    private TensorMapping() {
    }

    /** Tensors a checkpoint carries that inference does not use (training heads, decoder, counters). */
    static boolean ignored(String name, String prefix) {
        return name.startsWith("decoder.")
                || name.contains(".concat_linear.")
                || name.startsWith(prefix + "embed.out_linear.")
                || name.endsWith(".num_batches_tracked");
    }

    /**
     * @param fromCheckpoint the graph tensors whose values the checkpoint must hold (all but CMVN)
     */
    static List<Match> match(Path checkpoint, String prefix, List<GraphTensor> fromCheckpoint,
                             Map<String, SourceTensor> tensors) throws ConversionException {
        List<String> missing = new ArrayList<>();
        List<String> misshaped = new ArrayList<>();
        List<Match> matches = new ArrayList<>();
        Set<String> used = new LinkedHashSet<>();
        for (GraphTensor g : fromCheckpoint) {
            String name = prefix + g.name();
            SourceTensor s = tensors.get(name);
            if (s == null) {
                missing.add(name + " " + Shapes.format(g.sourceShape()));
                continue;
            }
            used.add(name);
            if (!Arrays.equals(s.shape(), g.sourceShape())) {
                misshaped.add(name + ": expected " + Shapes.format(g.sourceShape()) + ", found "
                        + Shapes.format(s.shape()));
            } else if (!s.dtype().isFloatingPoint()) {
                misshaped.add(name + ": expected floating-point values, found " + s.dtype());
            } else {
                matches.add(new Match(g, s));
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String name : tensors.keySet()) {
            if (!used.contains(name) && !ignored(name, prefix)) {
                unexpected.add(name + " " + Shapes.format(tensors.get(name).shape()));
            }
        }
        if (missing.isEmpty() && misshaped.isEmpty() && unexpected.isEmpty()) {
            return matches;
        }
        Map<String, List<String>> problems = new LinkedHashMap<>();
        problems.put("missing", missing);
        problems.put("mis-shaped", misshaped);
        problems.put("unexpected", unexpected);
        StringBuilder sb = new StringBuilder(checkpoint + " does not match the graph that train.yaml describes (");
        List<String> counts = new ArrayList<>();
        problems.forEach((kind, list) -> {
            if (!list.isEmpty()) {
                counts.add(list.size() + " " + kind);
            }
        });
        sb.append(String.join(", ", counts)).append("):");
        problems.forEach((kind, list) -> list.forEach(p -> sb.append("\n  ").append(kind).append(": ").append(p)));
        throw new ConversionException(sb.toString());
    }
}
