package org.speechmoe.runtime.internal.decoder;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.speechmoe.format.lm.NgramModel;

/**
 * The fused score of every text reachable in a few frames, by brute force: every label sequence's exact CTC
 * log-probability (all its alignments) plus the language model, word bonus and hotword terms computed from its text
 * as {@link SearchOptions} and {@link HotwordAutomaton} define them, sequences that spell the same text summed.
 * Texts that the lexicon or the grammar forbid are left out. Hotwords must share {@code options.hotwordBoost()}.
 */
final class FusionOracle {
    private FusionOracle() {
    }

    /** Text to fused log-score. */
    static Map<String, Double> texts(LogProbs logProbs, List<String> pieces, SearchOptions options) {
        Map<String, Double> out = new HashMap<>();
        for (Map.Entry<List<Integer>, CtcOracle.Exact> e : CtcOracle.enumerate(logProbs).entrySet()) {
            String text = WordAssembler.text(WordAssembler.words(e.getKey().stream()
                    .map(id -> new TimedToken(id, pieces.get(id), 0, 0, 1)).toList()));
            double context = context(text, options);
            if (!Double.isNaN(context)) {
                out.merge(text, e.getValue().logProb() + context, CtcPrefixBeamSearch::logAddExp);
            }
        }
        return out;
    }

    /** What fusion adds to a text's CTC log-probability, or NaN when the text is not allowed. */
    static double context(String text, SearchOptions options) {
        NgramModel lm = options.languageModel();
        List<String> words = text.isEmpty() ? List.of() : Arrays.asList(text.split(" "));
        String automataText = withoutSpacesBetweenCjk(text);
        if (!options.grammar().isEmpty() && !options.grammar().contains(automataText)) {
            return Double.NaN;
        }
        double score = 0;
        long[] state = {lm == null ? 0 : lm.startState()};
        for (String word : words) {
            if (lm == null) {
                score += options.beta();
                continue;
            }
            int id = lm.wordId(word);
            if (options.lexiconConstrained() && id == NgramModel.UNKNOWN_WORD) {
                return Double.NaN;
            }
            float logProb = lm.score(state[0], id, state);
            score += options.alpha() * logProb + options.beta()
                    + (id == NgramModel.UNKNOWN_WORD ? options.unknownWordPenalty() : 0);
        }
        if (lm != null) {
            score += options.alpha() * lm.endScore(state[0]);
        }
        String read = Vocabulary.SPACE + automataText;
        for (SearchOptions.Hotword h : options.hotwords()) {
            String phrase = h.phrase();
            String key = PieceKind.isCjk(phrase.codePointAt(0)) ? phrase : Vocabulary.SPACE + phrase;
            for (int at = read.indexOf(key); at >= 0; at = read.indexOf(key, at + 1)) {
                score += options.hotwordBoost() * phrase.length();
            }
        }
        return score;
    }

    /** The transcript's text as the automata read it: no space between two CJK characters. */
    static String withoutSpacesBetweenCjk(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean betweenCjk = c == ' ' && i > 0 && i + 1 < text.length() && PieceKind.isCjk(text.charAt(i - 1))
                    && PieceKind.isCjk(text.charAt(i + 1));
            if (!betweenCjk) {
                out.append(c);
            }
        }
        return out.toString();
    }
}
