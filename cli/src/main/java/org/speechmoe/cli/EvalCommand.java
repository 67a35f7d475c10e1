package org.speechmoe.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.speechmoe.runtime.api.Recognizer;
import org.speechmoe.runtime.api.RecognizerOptions;
import org.speechmoe.runtime.api.Transcript;
import org.speechmoe.runtime.api.SpeechMoeModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Measure a model on a test set: character and word error rates with greedy decoding and "
                + "with beam search, and the realtime factor.",
                "The manifest is a TSV file of 'audio path<TAB>reference text' lines (paths relative to the "
                + "manifest's folder); texts are compared after lower-casing and removing punctuation."})
final class EvalCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    EngineOptions engine;

    @Option(names = {"-m", "--model"}, paramLabel = "model.smoe", description = "model (default: the embedded one)")
    Path model;

    @Option(names = "--manifest", required = true, paramLabel = "test.tsv",
            description = "test set: audio path<TAB>reference text per line")
    Path manifest;

    @Option(names = "--beam", defaultValue = "8", paramLabel = "N", description = "beam width (default: ${DEFAULT-VALUE})")
    int beam;


    @Override
    public Integer call() throws Exception {
        List<String[]> lines = readManifest();
        RecognizerOptions greedyOptions = engine.recognizer(spec, 1);
        RecognizerOptions beamOptions = engine.recognizer(spec, beam);
        ErrorRates.Tally greedy = new ErrorRates.Tally();
        ErrorRates.Tally beamTally = new ErrorRates.Tally();
        double audio = 0;
        double compute = 0;
        try (SpeechMoeModel m = engine.open(model);
             Recognizer g = m.newRecognizer(greedyOptions); Recognizer b = m.newRecognizer(beamOptions)) {
            for (int i = 0; i < lines.size(); i++) {
                String[] parts = lines.get(i);
                Path audioPath = manifest.toAbsolutePath().getParent().resolve(parts[0]);
                Transcript tg = g.transcribe(audioPath);
                Transcript tb = b.transcribe(audioPath);
                greedy.add(parts[1], tg.text());
                beamTally.add(parts[1], tb.text());
                audio += tg.audioSeconds();
                compute += tg.computeSeconds();
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s: %d utterances, %.1f minutes of audio%n", manifest, lines.size(), audio / 60);
        out.printf(Locale.ROOT, "  greedy       CER %6.2f%%  WER %6.2f%%%n", 100 * greedy.cer(), 100 * greedy.wer());
        out.printf(Locale.ROOT, "  beam %-3d     CER %6.2f%%  WER %6.2f%%%n", beam, 100 * beamTally.cer(),
                100 * beamTally.wer());
        out.printf(Locale.ROOT, "  realtime factor %.4f (greedy, %s)%n", audio == 0 ? 0 : compute / audio,
                engine.threads == null ? "all processors" : engine.threads + " threads");
        out.flush();
        return 0;
    }

    /** The manifest's (path, text) pairs; blank lines are skipped. */
    private List<String[]> readManifest() throws IOException {
        List<String> lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
        List<String[]> pairs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String[] parts = lines.get(i).split("\t", 2);
            if (parts.length != 2) {
                throw new IOException(manifest + ":" + (i + 1) + ": expected 'audio path<TAB>reference text'");
            }
            pairs.add(parts);
        }
        if (pairs.isEmpty()) {
            throw new IOException(manifest + ": no utterances");
        }
        return pairs;
    }
}
