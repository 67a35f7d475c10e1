package org.speechmoe.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.speechmoe.testkit.AudioFiles;
import org.speechmoe.testkit.Findings;
import org.speechmoe.testkit.KitAudio;
import org.speechmoe.testkit.RoutingChecks;
import org.speechmoe.testkit.Violation;

/**
 * {@code routing --check}: the routing invariants of speechmoe-testkit on each of the user's files, reported per file
 * with the layer, frame and values of each violation, and the largest differences the comparisons measured.
 */
final class RoutingCheck implements AutoCloseable {
    private final RoutingChecks checks;
    private final Path scratch;
    private final int[][] relabelling;

    RoutingCheck(Path model, int threads) throws IOException {
        scratch = Files.createTempDirectory("speechmoe-routing-check");
        checks = new RoutingChecks(model, threads, scratch);
        relabelling = new int[checks.model().layers()][checks.model().experts()];
        for (int l = 0; l < relabelling.length; l++) {
            for (int e = 0; e < relabelling[l].length; e++) {
                // a different rotation per layer, so that no expert keeps its label where there are two or more
                relabelling[l][e] = (e + 1 + l) % relabelling[l].length;
            }
        }
    }

    /** Checks one file; prints its findings to {@code out}. */
    Findings check(Path file, String name, boolean json, PrintWriter out) throws IOException {
        KitAudio audio = AudioFiles.read(file);
        Findings f = checks.all(new KitAudio(name, audio.samples(), audio.sampleRate()), relabelling);
        out.println(json ? json(name, f) : text(name, f));
        return f;
    }

    private static String text(String name, Findings f) {
        StringBuilder s = new StringBuilder(name).append(": ");
        s.append(f.passed() ? "every check passed" : f.violations().size() + " violations");
        largest(f).forEach((check, d) -> s.append(String.format(Locale.ROOT,
                "%n  largest differences, %s: gate %.2g, log-probability %.2g", check, d[0], d[1])));
        f.violations().forEach(v -> s.append("\n  ").append(v));
        f.notes().forEach(n -> s.append("\n  note: ").append(n));
        return s.toString();
    }

    private static String json(String name, Findings f) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("file", name);
        o.put("passed", f.passed());
        ArrayNode violations = o.putArray("violations");
        for (Violation v : f.violations()) {
            ObjectNode j = violations.addObject();
            j.put("check", v.check());
            j.put("layer", v.layer());
            j.put("frame", v.frame());
            j.put("detail", v.detail());
        }
        ObjectNode differences = o.putObject("largest_differences");
        largest(f).forEach((check, d) -> {
            ObjectNode j = differences.putObject(check);
            j.put("gate", d[0]);
            j.put("log_probability", d[1]);
        });
        f.notes().forEach(o.putArray("notes")::add);
        return o.toString();
    }

    /** Per check (the backends and thread counts of one check together), the largest gate and output difference. */
    private static Map<String, double[]> largest(Findings f) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Findings.Difference d : f.differences()) {
            String check = d.check().replaceFirst(" \\(.*", "");
            double[] m = out.computeIfAbsent(check, k -> new double[2]);
            m[0] = Math.max(m[0], d.gate());
            m[1] = Math.max(m[1], d.logProb());
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        checks.close();
        Files.deleteIfExists(scratch);
    }
}
