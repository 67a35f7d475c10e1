package org.speechmoe.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.speechmoe.runtime.api.Logits;
import org.speechmoe.runtime.api.Recognizer;
import org.speechmoe.runtime.api.RecognizerOptions;
import org.speechmoe.runtime.api.SpeechMoeModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "routing", mixinStandardHelpOptions = true,
        description = {"Report how a model's routers spread your audio over the experts, per MoE layer: frames per "
                + "expert, usage entropy, balance (E * sum_j mean_t(p_tj)^2, what 3m-asr's importance loss trains "
                + "for: 1 balanced, E collapsed), mean gate and a gate histogram, how often neighbouring frames "
                + "switch experts, dead and overloaded (more than twice a balanced share) experts.",
                "One report per file, then the totals. Each file goes through the encoder in one pass, as logits "
                + "does: meant for recordings of up to a few minutes.",
                "With --check, the routing invariants instead (docs/ROUTING.md)."})
final class RoutingCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    EngineOptions engine;

    @CommandLine.Mixin
    ModelChoice modelChoice;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json|html",
            description = "text, json: one object per file ({file, frames, layers}), then one with the totals "
                    + "({total: true, files, frames, layers}), or html: one self-contained page with plots (no "
                    + "network needed), on standard output (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--check", description = "instead of the report, check the routing invariants of "
            + "speechmoe-testkit on each file (one expert per frame, gate = the router's maximum probability, "
            + "sparse = dense, relabelling, batching, threads and backends, idle experts never read; "
            + "docs/ROUTING.md): exit 1 on a violation, naming the layer, frame and values. It runs every backend "
            + "itself, and the GPU when one is present, so --backend and --device do not apply")
    boolean check;

    @Option(names = "--chunk-size", paramLabel = "N", description = "a causal model: also decode each file chunk by "
            + "chunk (N output frames a chunk, as a stream does) and report per layer the share of frames routed as "
            + "in the full-context pass")
    Integer chunkSize;

    @Option(names = "--left-chunks", paramLabel = "M", description = "with --chunk-size: attend to M earlier chunks "
            + "(default: all)")
    Integer leftChunks;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "audio files and directories of audio files")
    List<Path> paths;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("text") && !format.equals("json") && !format.equals("html")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be text, json or html, got "
                    + format);
        }
        if (chunkSize != null && (chunkSize < 1 || check)) {
            throw new CommandLine.ParameterException(spec.commandLine(), check ? "--chunk-size is a report option, "
                    + "not one of --check" : "--chunk-size must be at least 1 frame, got " + chunkSize);
        }
        if (leftChunks != null && (leftChunks < 0 || chunkSize == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), chunkSize == null
                    ? "--left-chunks needs --chunk-size" : "--left-chunks must be 0 or more, got " + leftChunks);
        }
        if (check && format.equals("html")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--check reports as text or json, not html");
        }
        boolean json = format.equals("json");
        boolean html = format.equals("html");
        AudioInputs.Expansion expansion = AudioInputs.expand(paths);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int failures = expansion.problems().size();
        expansion.problems().forEach(p -> err.println(SpeechMoeCli.message(p)));
        RecognizerOptions options = engine.recognizer(spec, RecognizerOptions.DEFAULT_BEAM_WIDTH);
        try (SpeechMoeModel m = engine.open(modelChoice.model)) {
            if (chunkSize != null && !m.config().streamable()) {
                throw new IOException("the model is full-context (causal: false): it has no chunked decoding to "
                        + "compare routes with; drop --chunk-size");
            }
            if (check) {
                return check(m, options, expansion, out, err, json, failures);
            }
            List<LayerRouting> totals = new ArrayList<>();
            List<RoutingPage.FileRouting> pages = new ArrayList<>();
            long frames = 0;
            int files = 0;
            try (Recognizer r = m.newRecognizer(options)) {
                for (AudioInputs.Input input : expansion.inputs()) {
                    Logits logits;
                    Logits chunked;
                    try {
                        logits = r.logits(input.path());
                        chunked = chunkSize == null ? null
                                : r.logits(input.path(), chunkSize, leftChunks == null ? -1 : leftChunks);
                    } catch (IOException e) {
                        failures++;
                        err.println(SpeechMoeCli.message(SpeechMoeCli.describe(e)));
                        continue;
                    }
                    List<LayerRouting> layers = LayerRouting.of(logits);
                    if (chunked != null) {
                        layers.forEach(l -> l.compareChunked(logits, chunked));
                    }
                    if (html) {
                        pages.add(new RoutingPage.FileRouting(input.name(), logits.frames(), logits.routes(), layers));
                    } else {
                        out.println(json ? report(input.name(), null, logits.frames(), layers)
                                : String.format(Locale.ROOT, "%s: %d frames", input.name(), logits.frames())
                                + text(layers));
                    }
                    for (int b = 0; b < layers.size(); b++) {
                        if (b == totals.size()) {
                            totals.add(layers.get(b).emptyCopy());
                        }
                        totals.get(b).add(layers.get(b));
                    }
                    frames += logits.frames();
                    files++;
                    out.flush();
                }
            }
            if (html) {
                out.print(RoutingPage.html(modelChoice.model == null ? "the default model"
                        : modelChoice.model.getFileName().toString(), pages, frames, totals));
            } else if (files > 0) {
                out.println(json ? report(null, files, frames, totals)
                        : String.format(Locale.ROOT, "all %d files: %d frames", files, frames) + text(totals));
            }
        }
        out.flush();
        err.flush();
        return failures > 0 ? SpeechMoeCli.EXIT_FAILED : 0;
    }

    /** {@code --check}: the kit's checks per file; 1 when a check or a file failed. */
    private int check(SpeechMoeModel m, RecognizerOptions options, AudioInputs.Expansion expansion, PrintWriter out,
                      PrintWriter err, boolean json, int failures) throws IOException {
        int violating = 0;
        try (RoutingCheck c = new RoutingCheck(m.path(), options.threads())) {
            for (AudioInputs.Input input : expansion.inputs()) {
                try {
                    violating += c.check(input.path(), input.name(), json, out).passed() ? 0 : 1;
                } catch (IOException e) {
                    failures++;
                    err.println(SpeechMoeCli.message(SpeechMoeCli.describe(e)));
                }
                out.flush();
            }
        }
        if (!json) {
            int files = expansion.inputs().size() + expansion.problems().size();
            out.println(violating + failures == 0 ? "every check passed on every file"
                    : (violating > 0 ? "violations in " + violating + " of " + files + " files" : "no violations")
                    + (failures > 0 ? "; " + failures + " of " + files + " files could not be checked" : ""));
        }
        out.flush();
        err.flush();
        return violating + failures > 0 ? SpeechMoeCli.EXIT_FAILED : 0;
    }

    private static String text(List<LayerRouting> layers) {
        StringBuilder s = new StringBuilder();
        layers.forEach(l -> s.append('\n').append(l.text()));
        return s.toString();
    }

    /** A file's report ({@code file} set) or the totals ({@code files} set), as one JSON line. */
    private static String report(String file, Integer files, long frames, List<LayerRouting> layers) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        if (file != null) {
            o.put("file", file);
        } else {
            o.put("total", true);
            o.put("files", files);
        }
        o.put("frames", frames);
        ArrayNode list = o.putArray("layers");
        layers.forEach(l -> list.add(l.json()));
        return o.toString();
    }
}
