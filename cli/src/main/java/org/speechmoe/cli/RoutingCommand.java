package org.speechmoe.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
                + "does: meant for recordings of up to a few minutes."})
final class RoutingCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    EngineOptions engine;

    @CommandLine.Mixin
    ModelChoice modelChoice;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json",
            description = "text, or json: one object per file ({file, frames, layers}), then one with the totals "
                    + "({total: true, files, frames, layers}) (default: ${DEFAULT-VALUE})")
    String format;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "audio files and directories of audio files")
    List<Path> paths;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("text") && !format.equals("json")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be text or json, got "
                    + format);
        }
        boolean json = format.equals("json");
        AudioInputs.Expansion expansion = AudioInputs.expand(paths);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int failures = expansion.problems().size();
        expansion.problems().forEach(p -> err.println(SpeechMoeCli.message(p)));
        List<LayerRouting> totals = new ArrayList<>();
        long frames = 0;
        int files = 0;
        RecognizerOptions options = engine.recognizer(spec, RecognizerOptions.DEFAULT_BEAM_WIDTH);
        try (SpeechMoeModel m = engine.open(modelChoice.model); Recognizer r = m.newRecognizer(options)) {
            for (AudioInputs.Input input : expansion.inputs()) {
                Logits logits;
                try {
                    logits = r.logits(input.path());
                } catch (java.io.IOException e) {
                    failures++;
                    err.println(SpeechMoeCli.message(SpeechMoeCli.describe(e)));
                    continue;
                }
                List<LayerRouting> layers = LayerRouting.of(logits);
                out.println(json ? report(input.name(), null, logits.frames(), layers)
                        : String.format(Locale.ROOT, "%s: %d frames", input.name(), logits.frames()) + text(layers));
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
        if (files > 0) {
            out.println(json ? report(null, files, frames, totals)
                    : String.format(Locale.ROOT, "all %d files: %d frames", files, frames) + text(totals));
        }
        out.flush();
        err.flush();
        return failures > 0 ? SpeechMoeCli.EXIT_FAILED : 0;
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
