package org.speechmoe.cli;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;

/**
 * Character and word error rates: edit distance (substitutions, insertions, deletions) over the reference length,
 * after both texts are normalized the same way: NFKC, lower case, everything but letters, digits and apostrophes
 * turned into spaces, runs of spaces collapsed. Characters include the single spaces between words.
 */
final class ErrorRates {
    /** Edit counts summed over utterances, so the rates are corpus-level, not means of per-file rates. */
    static final class Tally {
        long charErrors;
        long chars;
        long wordErrors;
        long words;

        void add(String reference, String hypothesis) {
            String ref = normalize(reference);
            String hyp = normalize(hypothesis);
            charErrors += distance(codePoints(ref), codePoints(hyp));
            chars += ref.codePointCount(0, ref.length());
            List<String> refWords = words(ref);
            wordErrors += distance(refWords, words(hyp));
            words += refWords.size();
        }

        double cer() {
            return chars == 0 ? 0 : (double) charErrors / chars;
        }

        double wer() {
            return words == 0 ? 0 : (double) wordErrors / words;
        }
    }

    private ErrorRates() {
    }

    static String normalize(String text) {
        String s = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT)
                .replace('’', '\'');
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> b.appendCodePoint(Character.isLetterOrDigit(c) || c == '\'' ? c : ' '));
        return b.toString().trim().replaceAll(" +", " ");
    }

    private static List<Integer> codePoints(String s) {
        return s.codePoints().boxed().toList();
    }

    private static List<String> words(String s) {
        return s.isEmpty() ? List.of() : List.of(s.split(" "));
    }

    /** Levenshtein distance with two rows. */
    static <T> int distance(List<T> a, List<T> b) {
        int[] prev = new int[b.size() + 1];
        int[] cur = new int[b.size() + 1];
        for (int j = 0; j <= b.size(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.size(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.size(); j++) {
                int sub = prev[j - 1] + (a.get(i - 1).equals(b.get(j - 1)) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.size()];
    }
}
