package org.speechmoe.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.speechmoe.runtime.api.Hotword;
import org.speechmoe.runtime.api.LanguageModel;
import org.speechmoe.runtime.api.RecognizerOptions;

/**
 * What a task needs to make its recognizer: the transcriber's parameters, sent with the tasks to the executors, and the
 * key under which each task thread keeps the recognizer made from them.
 *
 * @param model         the {@code .smoe} file on the executors' local disks, or empty for the default model
 * @param languageModel {@link #AUTO} (the default language model with the default model, none with another), {@link
 *                      #NONE}, or a {@code .smlm} file on the executors' local disks
 * @param beamWidth     0 for the command-line tool's default (beam search with a language model or hotwords, else
 *                      greedy), 1 greedy, more the beam
 * @param lmWeight      the language model's weight (alpha)
 * @param wordBonus     the bonus per word (beta)
 * @param hotwords      phrases to favour, each {@code phrase} or {@code phrase:boost}
 * @param hotwordBoost  the boost per character of hotwords without their own
 * @param threads       kernel threads of each task's recognizer; 0 for {@code spark.task.cpus}
 */
record DecodingSettings(String model, String languageModel, int beamWidth, double lmWeight, double wordBonus,
                        List<String> hotwords, double hotwordBoost, int threads) implements Serializable {
    static final String AUTO = "auto";
    static final String NONE = "none";

    DecodingSettings {
        hotwords = List.copyOf(hotwords);
    }

    /** These settings with a thread count decided for the task at hand. */
    DecodingSettings withThreads(int threads) {
        return new DecodingSettings(model, languageModel, beamWidth, lmWeight, wordBonus, hotwords, hotwordBoost,
                threads);
    }

    /**
     * Checks the values as the recognizer will, so that bad parameters fail once, where they are set.
     *
     * @throws IllegalArgumentException naming the bad value
     */
    void check() {
        withThreads(Math.max(1, threads)).options(null);
    }

    boolean defaultModel() {
        return model.isEmpty();
    }

    /** The language model file these settings name, {@code ""} for the default one, or null for none. */
    String languageModelFile() {
        return switch (languageModel) {
            case AUTO -> defaultModel() && LanguageModel.hasDefault() ? "" : null;
            case NONE -> null;
            default -> languageModel;
        };
    }

    /** The recognizer options these settings ask for, with {@code lm} open (or null): as the CLI builds them. */
    RecognizerOptions options(LanguageModel lm) {
        RecognizerOptions o = RecognizerOptions.defaults().withThreads(threads).withLanguageModel(lm)
                .withLmWeights(lmWeight, wordBonus);
        if (!hotwords.isEmpty()) {
            o = o.withHotwords(parsedHotwords(), hotwordBoost);
        }
        return beamWidth == 0 ? o : o.withBeamWidth(beamWidth);
    }

    /** The hotwords as the runtime takes them: the part after the last colon is the boost when it is a number. */
    List<Hotword> parsedHotwords() {
        List<Hotword> out = new ArrayList<>();
        for (String h : hotwords) {
            int colon = h.lastIndexOf(':');
            Double boost = colon < 0 ? null : number(h.substring(colon + 1).strip());
            out.add(boost == null ? Hotword.of(h.strip()) : Hotword.of(h.substring(0, colon).strip(), boost));
        }
        return out;
    }

    private static Double number(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Opens the language model file {@link #languageModelFile()} names ({@code ""}: the default one). */
    static LanguageModel openLanguageModel(String file) throws IOException {
        return file.isEmpty() ? LanguageModel.openDefault() : LanguageModel.open(Path.of(file));
    }
}
