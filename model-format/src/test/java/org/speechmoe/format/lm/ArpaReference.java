package org.speechmoe.format.lm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The textbook back-off model straight from ARPA text, for the tests to hold the reader to: a map from word lists to
 * (log10 probability, log10 back-off), and the recursion P(w | h) = p(h w) if present, else bo(h) + P(w | h without
 * its first word), with bo(h) = 0 for an h that is absent. Accepts only well-formed text; knows nothing of tries,
 * states or the .smlm layout.
 */
final class ArpaReference {
    private static final Pattern SECTION = Pattern.compile("\\\\([0-9]+)-grams:");
    private static final Pattern BLANKS = Pattern.compile("[ \\t]+");

    private final Map<List<String>, double[]> ngrams = new HashMap<>();
    private final int order;

    ArpaReference(String arpa) {
        int n = 0;
        int highest = 0;
        boolean inData = false;
        for (String raw : arpa.split("\n")) {
            String line = raw.strip();
            if (line.equals("\\data\\")) {
                inData = true;
            } else if (inData && line.startsWith("ngram ")) {
                highest = Math.max(highest, Integer.parseInt(line.substring(6, line.indexOf('=')).strip()));
            } else if (SECTION.matcher(line).matches()) {
                n = Integer.parseInt(line.substring(1, line.indexOf('-')));
            } else if (line.equals("\\end\\")) {
                break;
            } else if (n > 0 && !line.isEmpty()) {
                String[] f = BLANKS.split(line);
                double prob = f[0].equalsIgnoreCase("-inf") ? Double.NEGATIVE_INFINITY : Double.parseDouble(f[0]);
                double backoff = f.length == n + 2 && n < highest ? Double.parseDouble(f[n + 1]) : 0;
                ngrams.put(List.of(f).subList(1, n + 1), new double[] {prob, backoff});
            }
        }
        order = highest;
        ngrams.putIfAbsent(List.of("<unk>"), new double[] {ArpaReader.MISSING_UNKNOWN_LOG10_PROB, 0});
    }

    int order() {
        return order;
    }

    boolean knows(String word) {
        return ngrams.containsKey(List.of(word));
    }

    /** log10 P(word | history), history being the words before it, of which the last order - 1 count. */
    double log10(List<String> history, String word) {
        List<String> h = history.subList(Math.max(0, history.size() - (order - 1)), history.size());
        List<String> ngram = new ArrayList<>(h);
        ngram.add(word);
        double[] found = ngrams.get(ngram);
        if (found != null) {
            return found[0];
        }
        double[] context = ngrams.get(h);
        return (context == null ? 0 : context[1]) + log10(h.subList(1, h.size()), word);
    }

    /**
     * log10 probabilities of each word of {@code sentence} and of the end of the sentence, words the model lacks read
     * as {@code <unk>}, starting after {@code <s>}.
     */
    List<Double> sentence(List<String> sentence) {
        List<String> history = new ArrayList<>(List.of("<s>"));
        List<Double> scores = new ArrayList<>();
        for (String w : sentence) {
            String word = knows(w) ? w : "<unk>";
            scores.add(log10(history, word));
            history.add(word);
        }
        scores.add(log10(history, "</s>"));
        return scores;
    }
}
