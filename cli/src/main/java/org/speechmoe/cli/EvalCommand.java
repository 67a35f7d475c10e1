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
import org.speechmoe.runtime.api.LanguageModel;
import org.speechmoe.runtime.api.Logits;
import org.speechmoe.runtime.api.Recognizer;
import org.speechmoe.runtime.api.RecognizerOptions;
import org.speechmoe.runtime.api.SpeechMoeModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Measure a model on a test set: character and word error rates with greedy decoding, with "
                + "beam search, and with beam search and the language model (when there is one), and the realtime "
                + "factor.",
                "The manifest is a TSV file of 'audio path<TAB>reference text' lines (paths relative to the "
                + "manifest's folder); texts are compared after lower-casing and removing punctuation.",
                "--sweep-lm-weight and --sweep-word-bonus decode every pair of the values given and print the best "
                + "(lowest WER, then CER): choose the weights on a development set, never on a test set."})
final class EvalCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    EngineOptions engine;

    @CommandLine.Mixin
    DecodingOptions decoding;

    @CommandLine.Mixin
    ModelChoice modelChoice;

    @CommandLine.Mixin
    ChunkingOptions chunking;

    @Option(names = "--manifest", required = true, paramLabel = "test.tsv",
            description = "test set: audio path<TAB>reference text per line")
    Path manifest;

    @Option(names = "--sweep-lm-weight", split = ",", paramLabel = "A,A,...",
            description = "language model weights to try (needs a language model)")
    List<Double> sweepLmWeight;

    @Option(names = "--sweep-word-bonus", split = ",", paramLabel = "B,B,...",
            description = "word bonuses to try, with each weight (needs a language model)")
    List<Double> sweepWordBonus;

    /** One utterance: its reference and the encoder's output, computed once and decoded many times. */
    private record Utterance(String reference, Logits logits, double audioSeconds) {
    }

    @Override
    public Integer call() throws Exception {
        chunking.check(spec);
        List<String[]> lines = readManifest();
        RecognizerOptions base = engine.recognizer(spec, RecognizerOptions.DEFAULT_BEAM_WIDTH);
        PrintWriter out = spec.commandLine().getOut();
        try (SpeechMoeModel m = engine.open(modelChoice.model); LanguageModel lm = decoding.openLanguageModel(modelChoice.isDefault())) {
            RecognizerOptions withLm = decoding.apply(spec, base, lm);
            int beam = withLm.beamWidth() == 1 ? RecognizerOptions.SEARCH_BEAM_WIDTH : withLm.beamWidth();
            boolean sweep = sweepLmWeight != null || sweepWordBonus != null;
            if (sweep && lm == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--sweep-lm-weight and --sweep-word-bonus need a language model (--lm FILE)");
            }
            if (!chunking.supportedBy(spec, m, modelChoice.model)) {
                return SpeechMoeCli.EXIT_FAILED;
            }
            List<Utterance> utterances = new ArrayList<>();
            double encodeSeconds = 0;
            double audio = 0;
            try (Recognizer encoder = m.newRecognizer(base)) {
                for (String[] parts : lines) {
                    Path audioPath = manifest.toAbsolutePath().getParent().resolve(parts[0]);
                    long start = System.nanoTime();
                    Logits logits = chunking.logits(encoder, audioPath);
                    encodeSeconds += (System.nanoTime() - start) / 1e9;
                    double seconds = encoder.decode(logits).audioSeconds();
                    utterances.add(new Utterance(parts[1], logits, seconds));
                    audio += seconds;
                }
            }
            out.printf(Locale.ROOT, "%s: %d utterances, %.1f minutes of audio%s%n", manifest, lines.size(), audio / 60,
                    chunking.describe());
            Score greedy = score(m, base, utterances);
            out.printf(Locale.ROOT, "  greedy          CER %6.2f%%  WER %6.2f%%%n", greedy.cer, greedy.wer);
            Score plainBeam = score(m, withLm.withLanguageModel(null).withHotwords(List.of(), 0).withGrammar(List.of())
                    .withBeamWidth(beam), utterances);
            out.printf(Locale.ROOT, "  beam %-3d        CER %6.2f%%  WER %6.2f%%%n", beam, plainBeam.cer, plainBeam.wer);
            Score fused = null;
            if (lm != null) {
                fused = score(m, withLm.withBeamWidth(beam), utterances);
                out.printf(Locale.ROOT, "  beam %-3d + LM   CER %6.2f%%  WER %6.2f%%  (lm weight %s, word bonus %s)%n",
                        beam, fused.cer, fused.wer, withLm.lmWeight(), withLm.wordBonus());
            }
            String threads = engine.threads == null ? "all processors" : engine.threads + " threads";
            out.printf(Locale.ROOT, "  realtime factor %.4f greedy, %.4f with beam %d%s (%s)%n",
                    (encodeSeconds + greedy.decodeSeconds) / audio, (encodeSeconds + plainBeam.decodeSeconds) / audio,
                    beam, fused == null ? "" : String.format(Locale.ROOT, ", %.4f with beam %d + LM",
                            (encodeSeconds + fused.decodeSeconds) / audio, beam), threads);
            if (sweep) {
                sweep(out, m, withLm.withBeamWidth(beam), utterances);
            }
        }
        out.flush();
        return 0;
    }

    /** Decodes every pair of swept weights and prints each result and the best. */
    private void sweep(PrintWriter out, SpeechMoeModel m, RecognizerOptions options, List<Utterance> utterances) {
        List<Double> weights = sweepLmWeight == null ? List.of(options.lmWeight()) : sweepLmWeight;
        List<Double> bonuses = sweepWordBonus == null ? List.of(options.wordBonus()) : sweepWordBonus;
        Score best = null;
        double bestWeight = 0;
        double bestBonus = 0;
        out.println("  sweep (lm weight, word bonus): CER, WER");
        for (double a : weights) {
            for (double b : bonuses) {
                Score s;
                try {
                    s = score(m, options.withLmWeights(a, b), utterances);
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
                }
                out.printf(Locale.ROOT, "    %5.2f %5.2f   CER %6.2f%%  WER %6.2f%%%n", a, b, s.cer, s.wer);
                if (best == null || s.wer < best.wer || s.wer == best.wer && s.cer < best.cer) {
                    best = s;
                    bestWeight = a;
                    bestBonus = b;
                }
                out.flush();
            }
        }
        out.printf(Locale.ROOT, "  best: --lm-weight %s --word-bonus %s   CER %6.2f%%  WER %6.2f%%%n", bestWeight,
                bestBonus, best.cer, best.wer);
    }

    /** Corpus-level error rates in percent, and the seconds spent decoding. */
    private record Score(double cer, double wer, double decodeSeconds) {
    }

    private static Score score(SpeechMoeModel m, RecognizerOptions options, List<Utterance> utterances) {
        ErrorRates.Tally tally = new ErrorRates.Tally();
        double seconds = 0;
        try (Recognizer r = m.newRecognizer(options)) {
            for (Utterance u : utterances) {
                long start = System.nanoTime();
                String text = r.decode(u.logits()).text();
                seconds += (System.nanoTime() - start) / 1e9;
                tally.add(u.reference(), text);
            }
        }
        return new Score(100 * tally.cer(), 100 * tally.wer(), seconds);
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
