package org.speechmoe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.speechmoe.runtime.api.LanguageModel;
import org.speechmoe.runtime.api.Recognizer;
import org.speechmoe.runtime.api.RecognizerOptions;
import org.speechmoe.runtime.api.SpeechMoeModel;
import org.speechmoe.runtime.api.Transcript;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Time the recognition of one file in this process, several times over, and print one JSON line:",
                "first_s (the first pass, in a JVM that has compiled nothing yet), median_s and min_s (the later "
                        + "passes), audio_s, rtf (median_s / audio_s), peak_rss_mb (the process' peak resident "
                        + "memory, from /proc/self/status), runs, threads, beam.",
                "Decoding follows the same options as transcribe (the default model's language model included). "
                        + "For comparing engines, run them in one script on a quiet machine."})
final class BenchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    EngineOptions engine;

    @CommandLine.Mixin
    DecodingOptions decoding;

    @CommandLine.Mixin
    ModelChoice modelChoice;

    @Option(names = "--runs", defaultValue = "5", paramLabel = "N",
            description = "passes after the first (default: ${DEFAULT-VALUE})")
    int runs;

    @Parameters(index = "0", paramLabel = "FILE", description = "an audio file")
    Path file;

    @Override
    public Integer call() throws Exception {
        if (runs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runs must be at least 1, got " + runs);
        }
        RecognizerOptions base = engine.recognizer(spec, RecognizerOptions.DEFAULT_BEAM_WIDTH);
        double[] seconds = new double[runs];
        double first;
        double audio;
        RecognizerOptions options;
        try (SpeechMoeModel m = engine.open(modelChoice.model); LanguageModel lm = decoding.openLanguageModel(modelChoice.isDefault())) {
            options = decoding.apply(spec, base, lm);
            try (Recognizer r = m.newRecognizer(options)) {
                long start = System.nanoTime();
                Transcript t = r.transcribe(file);
                first = (System.nanoTime() - start) / 1e9;
                audio = t.audioSeconds();
                for (int i = 0; i < runs; i++) {
                    start = System.nanoTime();
                    r.transcribe(file);
                    seconds[i] = (System.nanoTime() - start) / 1e9;
                }
            }
        }
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        double median = runs % 2 == 1 ? sorted[runs / 2] : (sorted[runs / 2 - 1] + sorted[runs / 2]) / 2;
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("file", file.toString());
        o.put("audio_s", TranscriptJson.ms(audio));
        o.put("first_s", TranscriptJson.ms(first));
        o.put("median_s", TranscriptJson.ms(median));
        o.put("min_s", TranscriptJson.ms(sorted[0]));
        o.put("rtf", TranscriptJson.round(audio == 0 ? 0 : median / audio, 1e4));
        long rss = peakRssKb();
        if (rss >= 0) {
            o.put("peak_rss_mb", Math.round(rss / 1024.0));
        }
        o.put("runs", runs);
        o.put("threads", options.threads());
        o.put("beam", options.beamWidth());
        PrintWriter out = spec.commandLine().getOut();
        out.println(o);
        out.flush();
        return 0;
    }

    /** The process' peak resident set (VmHWM) in KiB, or -1 where /proc does not tell it. */
    static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
