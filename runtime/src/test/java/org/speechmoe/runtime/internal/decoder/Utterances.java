package org.speechmoe.runtime.internal.decoder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Constructed CTC outputs, frame by frame: a frame names the probabilities of a few pieces and the other pieces share
 * what is left evenly, as a peaky CTC model's rows look.
 */
final class Utterances {
    /** A blank frame: the blank at this, everything else sharing the rest. */
    static final double BLANK_PROBABILITY = 0.98;

    private final List<String> pieces;
    private final List<float[]> rows = new ArrayList<>();

    private Utterances(List<String> pieces) {
        this.pieces = pieces;
    }

    static Utterances over(List<String> pieces) {
        return new Utterances(pieces);
    }

    /** {@code count} blank frames. */
    Utterances blanks(int count) {
        for (int i = 0; i < count; i++) {
            frame(Map.of(pieces.get(LogProbs.BLANK), BLANK_PROBABILITY));
        }
        return this;
    }

    /** One frame with these pieces at these probabilities. */
    Utterances frame(Map<String, Double> probabilities) {
        double[] p = new double[pieces.size()];
        double rest = 1;
        for (Map.Entry<String, Double> e : probabilities.entrySet()) {
            int id = pieces.indexOf(e.getKey());
            if (id < 0) {
                throw new IllegalArgumentException("no piece " + e.getKey());
            }
            p[id] = e.getValue();
            rest -= e.getValue();
        }
        double share = rest / (pieces.size() - probabilities.size());
        float[] row = new float[pieces.size()];
        for (int v = 0; v < row.length; v++) {
            row[v] = (float) Math.log(p[v] > 0 ? p[v] : share);
        }
        rows.add(row);
        return this;
    }

    /** Each piece of {@code spoken} on one frame at {@code probability}, a blank frame before each. */
    Utterances says(double probability, String... spoken) {
        for (String piece : spoken) {
            blanks(1).frame(Map.of(piece, probability));
        }
        return this;
    }

    LogProbs logProbs() {
        float[] values = new float[rows.size() * pieces.size()];
        for (int t = 0; t < rows.size(); t++) {
            System.arraycopy(rows.get(t), 0, values, t * pieces.size(), pieces.size());
        }
        return new LogProbs(values, rows.size(), pieces.size());
    }

    /** The pieces of the default model's kind that spell {@code word} ("▁" first). */
    static String[] letters(String word) {
        String[] out = new String[word.length()];
        Arrays.setAll(out, i -> (i == 0 ? "▁" : "") + word.charAt(i));
        return out;
    }
}
