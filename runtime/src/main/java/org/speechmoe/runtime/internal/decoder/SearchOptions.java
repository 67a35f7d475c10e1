package org.speechmoe.runtime.internal.decoder;

import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import org.speechmoe.format.lm.NgramModel;

/**
 * Every knob of the CTC prefix beam search and of what {@link BeamDecoder} makes of its result. With no language
 * model, no word bonus, no lexicon, no hotwords and no grammar the search is the plain CTC prefix beam search,
 * bit for bit.
 *
 * <p>A prefix is ranked by {@code log P_ctc + alpha * sum(ln P_lm(word | history)) + beta * words
 * + unknownWordPenalty * unknownWords + hotword bonus}; {@link TextFusion} says when a word counts and what happens
 * at the end of the utterance.
 *
 * @param beamWidth          prefixes kept after each frame
 * @param tokensPerFrame     non-blank tokens considered per frame (the most probable ones); see
 *                           {@link CtcPrefixBeamSearch}
 * @param tokenLogProbFloor  tokens less probable than this at a frame are not considered there
 * @param scoreMargin        after each frame, prefixes ranked more than this below the frame's best are dropped;
 *                           {@code +inf}: off
 * @param languageModel      the word n-gram model of shallow fusion, or null
 * @param alpha              weight of the language model's natural-log probabilities; 0 without a model
 * @param beta               added per completed word (a word insertion bonus); works without a model too
 * @param unknownWordPenalty added, unweighted, per word the model maps to {@code <unk>} (on top of the model's own
 *                           {@code <unk>} probability, which alpha weighs); 0 without a model
 * @param lexiconConstrained only words of the language model's vocabulary may be spelled ({@link Lexicon})
 * @param hotwords           phrases to favour ({@link HotwordAutomaton}); empty: none
 * @param hotwordBoost       bonus per character of a hotword that has no boost of its own
 * @param grammar            the only phrases a result may be; empty: no grammar. The empty phrase {@code ""} allows
 *                           the empty result
 * @param alternatives       how many distinct texts {@link BeamDecoder} returns at most
 * @param rejectionThreshold nats per frame a grammar's best result may lose against the unconstrained best path
 *                           before it is rejected ({@link GrammarRejection}); {@code +inf}: never
 */
public record SearchOptions(int beamWidth, int tokensPerFrame, float tokenLogProbFloor, double scoreMargin,
        NgramModel languageModel, double alpha, double beta, double unknownWordPenalty, boolean lexiconConstrained,
        List<Hotword> hotwords, double hotwordBoost, List<String> grammar, int alternatives,
        double rejectionThreshold) {
    /**
     * Half a nat per character: sherpa-onnx boosts 1.5 per BPE token, and an English BPE token of a 500-piece model
     * spells about three characters.
     */
    public static final double DEFAULT_HOTWORD_BOOST = 0.5;

    /** Justified by {@code GrammarRejectionTest}: a phrase heard with two unsure characters passes, another
     *  word of the same length does not. */
    public static final double DEFAULT_REJECTION_THRESHOLD = GrammarRejection.DEFAULT_THRESHOLD;

    /** A phrase to favour; without a boost of its own it gets {@link #hotwordBoost()} per character. */
    public record Hotword(String phrase, OptionalDouble boost) {
        public Hotword {
            Objects.requireNonNull(phrase, "phrase");
            Objects.requireNonNull(boost, "boost");
            if (boost.isPresent() && !Double.isFinite(boost.getAsDouble())) {
                throw new IllegalArgumentException("hotword '" + phrase + "' has boost " + boost.getAsDouble());
            }
        }

        public static Hotword of(String phrase) {
            return new Hotword(phrase, OptionalDouble.empty());
        }

        public static Hotword of(String phrase, double boost) {
            return new Hotword(phrase, OptionalDouble.of(boost));
        }
    }

    public SearchOptions {
        if (beamWidth < 1 || tokensPerFrame < 1) {
            throw new IllegalArgumentException("beam width and tokens per frame must be at least 1, got " + beamWidth
                    + " and " + tokensPerFrame);
        }
        if (Float.isNaN(tokenLogProbFloor)) {
            throw new IllegalArgumentException("token log-probability floor is NaN");
        }
        if (!(scoreMargin >= 0)) {
            throw new IllegalArgumentException("score margin must be >= 0 (+inf: off), got " + scoreMargin);
        }
        requireFinite("alpha", alpha);
        requireFinite("beta", beta);
        requireFinite("unknown word penalty", unknownWordPenalty);
        requireFinite("hotword boost", hotwordBoost);
        if (languageModel == null && (alpha != 0 || unknownWordPenalty != 0 || lexiconConstrained)) {
            throw new IllegalArgumentException("alpha, an unknown word penalty and the lexicon need a language model");
        }
        hotwords = List.copyOf(hotwords);
        grammar = List.copyOf(grammar);
        if (alternatives < 1) {
            throw new IllegalArgumentException("alternatives must be at least 1, got " + alternatives);
        }
        if (!(rejectionThreshold >= 0)) {
            throw new IllegalArgumentException("rejection threshold must be >= 0 (+inf: never), got "
                    + rejectionThreshold);
        }
    }

    /** The plain search: every token of every frame, nothing fused, one alternative. */
    public static Builder builder(int beamWidth) {
        return new Builder(beamWidth);
    }

    /** Whether the search must follow the text its prefixes spell: anything besides plain CTC is on. */
    boolean fusesText() {
        return languageModel != null || beta != 0 || lexiconConstrained || !hotwords.isEmpty() || !grammar.isEmpty();
    }

    private static void requireFinite(String what, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(what + " must be finite, got " + value);
        }
    }

    /** Starts from the plain search; each setter replaces what it names. */
    public static final class Builder {
        private final int beamWidth;
        private int tokensPerFrame = Integer.MAX_VALUE;
        private float tokenLogProbFloor = Float.NEGATIVE_INFINITY;
        private double scoreMargin = Double.POSITIVE_INFINITY;
        private NgramModel languageModel;
        private double alpha;
        private double beta;
        private double unknownWordPenalty;
        private boolean lexiconConstrained;
        private List<Hotword> hotwords = List.of();
        private double hotwordBoost = DEFAULT_HOTWORD_BOOST;
        private List<String> grammar = List.of();
        private int alternatives = 1;
        private double rejectionThreshold = DEFAULT_REJECTION_THRESHOLD;

        private Builder(int beamWidth) {
            this.beamWidth = beamWidth;
        }

        public Builder tokenPruning(int tokensPerFrame, float tokenLogProbFloor) {
            this.tokensPerFrame = tokensPerFrame;
            this.tokenLogProbFloor = tokenLogProbFloor;
            return this;
        }

        public Builder scoreMargin(double scoreMargin) {
            this.scoreMargin = scoreMargin;
            return this;
        }

        /** @param model null for none (then alpha must be 0) */
        public Builder languageModel(NgramModel model, double alpha, double beta) {
            this.languageModel = model;
            this.alpha = alpha;
            this.beta = beta;
            return this;
        }

        public Builder unknownWordPenalty(double penalty) {
            this.unknownWordPenalty = penalty;
            return this;
        }

        public Builder lexiconConstrained(boolean constrained) {
            this.lexiconConstrained = constrained;
            return this;
        }

        public Builder hotwords(List<Hotword> phrases, double boost) {
            this.hotwords = phrases;
            this.hotwordBoost = boost;
            return this;
        }

        public Builder grammar(List<String> phrases) {
            this.grammar = phrases;
            return this;
        }

        public Builder alternatives(int count) {
            this.alternatives = count;
            return this;
        }

        public Builder rejectionThreshold(double natsPerFrame) {
            this.rejectionThreshold = natsPerFrame;
            return this;
        }

        public SearchOptions build() {
            return new SearchOptions(beamWidth, tokensPerFrame, tokenLogProbFloor, scoreMargin, languageModel, alpha,
                    beta, unknownWordPenalty, lexiconConstrained, hotwords, hotwordBoost, grammar, alternatives,
                    rejectionThreshold);
        }
    }
}
