package org.speechmoe.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.speechmoe.runtime.api.Hotword;
import org.speechmoe.runtime.api.LanguageModel;
import org.speechmoe.runtime.api.RecognizerOptions;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * How the commands that recognize speech decode it: beam width, language model and its weights, hotwords, grammar,
 * alternatives. The default model comes with a default language model, which is used unless {@code --lm none}; with
 * a language model, hotwords, a grammar or alternatives the default beam width is
 * {@value RecognizerOptions#SEARCH_BEAM_WIDTH}, otherwise 1 (greedy).
 */
final class DecodingOptions {
    static final String NONE = "none";

    @Option(names = "--beam", paramLabel = "N",
            description = "1: greedy decoding; more: CTC prefix beam search with N prefixes (default: "
                    + RecognizerOptions.SEARCH_BEAM_WIDTH + " with a language model, hotwords, a grammar or "
                    + "alternatives, else 1)")
    Integer beam;

    @Option(names = "--lm", paramLabel = "FILE|none",
            description = "word n-gram language model (.smlm, see 'speechmoe lm convert'), or none (default: the "
                    + "default model's own language model with the default model, none with -m)")
    String lm;

    @Option(names = "--lm-weight", paramLabel = "A",
            description = "weight of the language model (alpha; default: " + RecognizerOptions.DEFAULT_LM_WEIGHT + ")")
    Double lmWeight;

    @Option(names = "--word-bonus", paramLabel = "B",
            description = "bonus per word (beta, natural log; default: " + RecognizerOptions.DEFAULT_WORD_BONUS + ")")
    Double wordBonus;

    @Option(names = "--lexicon-only", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "with a language model, recognize only words it knows (default: on; --no-lexicon-only "
                    + "lets other words through)")
    boolean lexiconOnly;

    @Option(names = "--hotwords", paramLabel = "FILE",
            description = "phrases to favour, one a line, each with an optional ':boost' (per character)")
    Path hotwords;

    @Option(names = "--hotword-boost", paramLabel = "B",
            description = "boost per character of hotwords without their own (default: "
                    + RecognizerOptions.DEFAULT_HOTWORD_BOOST + ")")
    Double hotwordBoost;

    @Option(names = "--grammar", paramLabel = "FILE",
            description = "the only phrases a result may be, one a line; a recording that matches none well "
                    + "enough gives an empty result (\"rejected\":true in JSON)")
    Path grammar;

    @Option(names = "--alternatives", paramLabel = "N", defaultValue = "1",
            description = "hypotheses to list, with confidences, in JSON output (default: ${DEFAULT-VALUE})")
    int alternatives;

    /**
     * The language model these options name, open, or null for none: {@code --lm FILE}, or with no {@code --lm} the
     * default one when the model is the default model and the build embeds it.
     */
    LanguageModel openLanguageModel(boolean defaultModel) throws IOException {
        if (lm == null) {
            return defaultModel && LanguageModel.hasDefault() ? LanguageModel.openDefault() : null;
        }
        return lm.equals(NONE) ? null : LanguageModel.open(Path.of(lm));
    }

    /**
     * {@code base} with these decoding options and {@code languageModel}; bad values and unreadable phrase files are
     * usage errors of {@code spec}'s command.
     */
    RecognizerOptions apply(CommandLine.Model.CommandSpec spec, RecognizerOptions base, LanguageModel languageModel)
            throws IOException {
        try {
            RecognizerOptions o = base.withLanguageModel(languageModel)
                    .withLmWeights(lmWeight == null ? base.lmWeight() : lmWeight,
                            wordBonus == null ? base.wordBonus() : wordBonus)
                    .withAlternatives(alternatives);
            o = o.withLexiconOnly(languageModel != null && lexiconOnly);
            if (hotwords != null) {
                o = o.withHotwords(readHotwords(hotwords),
                        hotwordBoost == null ? RecognizerOptions.DEFAULT_HOTWORD_BOOST : hotwordBoost);
            }
            if (grammar != null) {
                o = o.withGrammar(lines(grammar));
            }
            return beam == null ? o : o.withBeamWidth(beam);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** A hotword file's phrases: one a line, {@code phrase[:boost]}; blank lines and lines starting with # skipped. */
    static List<Hotword> readHotwords(Path file) throws IOException {
        List<Hotword> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.lastIndexOf(':');
            if (colon < 0) {
                out.add(Hotword.of(line));
                continue;
            }
            String phrase = line.substring(0, colon).strip();
            double boost;
            try {
                boost = Double.parseDouble(line.substring(colon + 1).strip());
            } catch (NumberFormatException e) {
                throw new IOException(file + ":" + (i + 1) + ": expected 'phrase' or 'phrase:boost', got '" + line
                        + "'");
            }
            if (phrase.isEmpty() || !Double.isFinite(boost)) {
                throw new IOException(file + ":" + (i + 1) + ": expected 'phrase' or 'phrase:boost', got '" + line
                        + "'");
            }
            out.add(Hotword.of(phrase, boost));
        }
        if (out.isEmpty()) {
            throw new IOException(file + ": no phrases");
        }
        return out;
    }

    /** A grammar file's phrases, one a line; blank lines and lines starting with # skipped. */
    static List<String> lines(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String phrase = line.strip();
            if (!phrase.isEmpty() && !phrase.startsWith("#") && !out.contains(phrase)) {
                out.add(phrase);
            }
        }
        if (out.isEmpty()) {
            throw new IOException(file + ": no phrases");
        }
        return out;
    }
}
