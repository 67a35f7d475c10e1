package org.speechmoe.runtime.api;

import java.util.List;
import org.speechmoe.runtime.internal.backend.Backends;

/**
 * How a recognizer decodes. Immutable; start from {@link #defaults()} and change what you need:
 * {@code RecognizerOptions.defaults().withBeamWidth(8)}, {@code .withLanguageModel(lm)}, {@code .withHotwords(...)}.
 *
 * <p>Decoding is greedy at beam width 1 and CTC prefix beam search above. A language model, hotwords or a grammar
 * need the search: setting one of them on options with beam width 1 raises it to {@link #SEARCH_BEAM_WIDTH}.
 *
 * @param beamWidth     1 decodes greedily (fastest); more runs CTC prefix beam search with that many prefixes
 * @param threads       threads of the matrix kernels for this recognizer
 * @param backend       the kernels: {@code auto} (the vector backend when the JVM has {@code jdk.incubator.vector}),
 *                      {@code vector} or {@code scalar} (the plain-Java specification, for checking results)
 * @param device        where the routed experts run: {@code cpu} (the backend above), or {@code gpu} (offloaded
 *                      through the TornadoVM module, which must be on the class path; the rest stays on the CPU)
 * @param languageModel the word n-gram model the search fuses at word boundaries, or null for none
 * @param lmWeight      the language model's weight {@code alpha} on its natural-log probabilities
 * @param wordBonus     {@code beta}, added to a hypothesis' score per word (natural log); counters the language
 *                      model's preference for few words
 * @param lexiconOnly   only words the language model knows may be recognized (needs a language model)
 * @param hotwords      phrases to favour ({@link Hotword}); empty for none
 * @param hotwordBoost  the bonus per character of a hotword without a boost of its own
 * @param grammar       the only phrases a result may be (a command set, digits, yes/no); empty for no grammar. A
 *                      recording that none matches well enough gives a {@link Transcript#rejected() rejected}
 *                      transcript; list {@code ""} to allow the empty result
 * @param alternatives  how many distinct texts {@link Transcript#alternatives()} holds at most (1: only the best)
 */
public record RecognizerOptions(int beamWidth, int threads, String backend, String device,
        LanguageModel languageModel, double lmWeight, double wordBonus, boolean lexiconOnly, List<Hotword> hotwords,
        double hotwordBoost, List<String> grammar, int alternatives) {
    /** Greedy decoding. */
    public static final int DEFAULT_BEAM_WIDTH = 1;
    /** The beam width that a language model, hotwords or a grammar switch greedy options to. */
    public static final int SEARCH_BEAM_WIDTH = 32;
    /** {@code alpha} chosen for the default model with its language model on the dev sets (docs/MODEL.md). */
    public static final double DEFAULT_LM_WEIGHT = 1.0;
    /** {@code beta} chosen with {@link #DEFAULT_LM_WEIGHT} (docs/MODEL.md). */
    public static final double DEFAULT_WORD_BONUS = 3.0;
    /** Half a nat per character of a hotword. */
    public static final double DEFAULT_HOTWORD_BOOST = 0.5;
    /** The backend choice that takes the vector backend when the JVM can run it. */
    public static final String AUTO = "auto";
    /** The device that runs everything on the CPU. */
    public static final String CPU = "cpu";
    /** The device that runs the routed experts on a GPU through the offload SPI. */
    public static final String GPU = "gpu";

    /**
     * Checks the options and copies the lists.
     *
     * @throws IllegalArgumentException when a value is out of range or unknown (the message names it)
     * @throws NullPointerException     when {@code backend}, {@code device}, a list or an element is null
     */
    public RecognizerOptions {
        if (beamWidth < 1) {
            throw new IllegalArgumentException("beam width must be at least 1, got " + beamWidth);
        }
        Backends.requireThreads(threads);
        if (!backend.equals(AUTO) && !backend.equals("vector") && !backend.equals("scalar")) {
            throw new IllegalArgumentException("backend must be auto, vector or scalar, got " + backend);
        }
        if (!device.equals(CPU) && !device.equals(GPU)) {
            throw new IllegalArgumentException("device must be cpu or gpu, got " + device);
        }
        requireFinite("language model weight", lmWeight);
        requireFinite("word bonus", wordBonus);
        requireFinite("hotword boost", hotwordBoost);
        if (lexiconOnly && languageModel == null) {
            throw new IllegalArgumentException("the lexicon constraint needs a language model");
        }
        hotwords = List.copyOf(hotwords);
        grammar = List.copyOf(grammar);
        if (alternatives < 1) {
            throw new IllegalArgumentException("alternatives must be at least 1, got " + alternatives);
        }
    }

    private static void requireFinite(String what, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(what + " must be a finite number, got " + value);
        }
    }

    /**
     * Greedy decoding on every available processor, everything on the CPU, no language model, hotwords or grammar.
     *
     * @return the default options
     */
    public static RecognizerOptions defaults() {
        return new RecognizerOptions(DEFAULT_BEAM_WIDTH, Runtime.getRuntime().availableProcessors(), AUTO, CPU, null,
                DEFAULT_LM_WEIGHT, DEFAULT_WORD_BONUS, false, List.of(), DEFAULT_HOTWORD_BOOST, List.of(), 1);
    }

    /**
     * Spends {@link #threads()} on {@code inputs} independent inputs: see {@link ParallelPlan}.
     *
     * @param inputs how many inputs (files, requests) will be recognized side by side
     * @return how many recognizers to run and the options of each
     * @throws IllegalArgumentException when {@code inputs} is below 1
     */
    public ParallelPlan planFor(int inputs) {
        if (inputs < 1) {
            throw new IllegalArgumentException("inputs must be at least 1, got " + inputs);
        }
        int recognizers = Math.min(threads, inputs);
        return new ParallelPlan(recognizers, withThreads(Math.max(1, threads / recognizers)));
    }

    /**
     * These options with another beam width.
     *
     * @param beamWidth 1 for greedy decoding, more for prefix beam search
     * @return new options
     * @throws IllegalArgumentException when it is below 1
     */
    public RecognizerOptions withBeamWidth(int beamWidth) {
        return new RecognizerOptions(beamWidth, threads, backend, device, languageModel, lmWeight, wordBonus,
                lexiconOnly, hotwords, hotwordBoost, grammar, alternatives);
    }

    /**
     * These options with another thread count.
     *
     * @param threads threads of the matrix kernels
     * @return new options
     * @throws IllegalArgumentException when it is below 1
     */
    public RecognizerOptions withThreads(int threads) {
        return new RecognizerOptions(beamWidth, threads, backend, device, languageModel, lmWeight, wordBonus,
                lexiconOnly, hotwords, hotwordBoost, grammar, alternatives);
    }

    /**
     * These options with another backend.
     *
     * @param backend {@code auto}, {@code vector} or {@code scalar}
     * @return new options
     * @throws IllegalArgumentException when it is none of those
     */
    public RecognizerOptions withBackend(String backend) {
        return new RecognizerOptions(beamWidth, threads, backend, device, languageModel, lmWeight, wordBonus,
                lexiconOnly, hotwords, hotwordBoost, grammar, alternatives);
    }

    /**
     * These options with another device for the routed experts.
     *
     * @param device {@code cpu} or {@code gpu}
     * @return new options
     * @throws IllegalArgumentException when it is neither
     */
    public RecognizerOptions withDevice(String device) {
        return new RecognizerOptions(beamWidth, threads, backend, device, languageModel, lmWeight, wordBonus,
                lexiconOnly, hotwords, hotwordBoost, grammar, alternatives);
    }

    /**
     * These options with a language model at the current weight and word bonus, recognizing only the model's words
     * ({@link #withLexiconOnly}{@code (false)} lets others through; docs/MODEL.md measures what either costs).
     * Greedy options switch to beam search.
     *
     * @param languageModel the model, or null for none
     * @return new options
     */
    public RecognizerOptions withLanguageModel(LanguageModel languageModel) {
        return new RecognizerOptions(languageModel == null ? beamWidth : searching(), threads, backend, device,
                languageModel, lmWeight, wordBonus, languageModel != null, hotwords, hotwordBoost, grammar,
                alternatives);
    }

    /**
     * These options with another language model weight and word bonus.
     *
     * @param lmWeight  {@code alpha}
     * @param wordBonus {@code beta}
     * @return new options
     * @throws IllegalArgumentException when one is not finite
     */
    public RecognizerOptions withLmWeights(double lmWeight, double wordBonus) {
        return new RecognizerOptions(beamWidth, threads, backend, device, languageModel, lmWeight, wordBonus,
                lexiconOnly, hotwords, hotwordBoost, grammar, alternatives);
    }

    /**
     * These options with or without the lexicon constraint.
     *
     * @param lexiconOnly whether only the language model's words may be recognized
     * @return new options
     * @throws IllegalArgumentException when it is asked without a language model
     */
    public RecognizerOptions withLexiconOnly(boolean lexiconOnly) {
        return new RecognizerOptions(beamWidth, threads, backend, device, languageModel, lmWeight, wordBonus,
                lexiconOnly, hotwords, hotwordBoost, grammar, alternatives);
    }

    /**
     * These options with other hotwords (greedy options switch to beam search when there are any).
     *
     * @param hotwords the phrases; empty for none
     * @param boost    the bonus per character of those without their own
     * @return new options
     * @throws IllegalArgumentException when the boost is not finite
     */
    public RecognizerOptions withHotwords(List<Hotword> hotwords, double boost) {
        return new RecognizerOptions(hotwords.isEmpty() ? beamWidth : searching(), threads, backend, device,
                languageModel, lmWeight, wordBonus, lexiconOnly, hotwords, boost, grammar, alternatives);
    }

    /**
     * These options with another grammar (greedy options switch to beam search when there is one).
     *
     * @param grammar the only phrases a result may be; empty for no grammar
     * @return new options
     */
    public RecognizerOptions withGrammar(List<String> grammar) {
        return new RecognizerOptions(grammar.isEmpty() ? beamWidth : searching(), threads, backend, device,
                languageModel, lmWeight, wordBonus, lexiconOnly, hotwords, hotwordBoost, grammar, alternatives);
    }

    /**
     * These options with another number of alternatives (more than 1 switches greedy options to beam search).
     *
     * @param alternatives how many distinct texts a transcript lists at most
     * @return new options
     * @throws IllegalArgumentException when it is below 1
     */
    public RecognizerOptions withAlternatives(int alternatives) {
        return new RecognizerOptions(alternatives > 1 ? Math.max(searching(), alternatives) : beamWidth, threads,
                backend, device, languageModel, lmWeight, wordBonus, lexiconOnly, hotwords, hotwordBoost, grammar,
                alternatives);
    }

    /** The beam width a search needs: the current one, or {@link #SEARCH_BEAM_WIDTH} instead of greedy decoding. */
    private int searching() {
        return beamWidth == 1 ? SEARCH_BEAM_WIDTH : beamWidth;
    }
}
