package org.speechmoe.runtime.internal.decoder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Slow, obviously correct CTC quantities for checking the decoders: enumeration of every path, and the forward sum. */
final class CtcOracle {
    /** Exact log-probability of a label sequence (all its alignments) and of its most probable single alignment. */
    record Exact(double logProb, double bestPathLogProb) {
    }

    private CtcOracle() {
    }

    /** Every label sequence reachable in {@code logProbs.frames()} frames, by enumerating all vocab^frames paths. */
    static Map<List<Integer>, Exact> enumerate(LogProbs logProbs) {
        Map<List<Integer>, Exact> out = new HashMap<>();
        int[] path = new int[logProbs.frames()];
        long paths = Math.round(Math.pow(logProbs.vocab(), logProbs.frames()));
        for (long n = 0; n < paths; n++) {
            long rest = n;
            for (int t = 0; t < path.length; t++) {
                path[t] = (int) (rest % logProbs.vocab());
                rest /= logProbs.vocab();
            }
            double p = pathLogProb(logProbs, path);
            out.merge(collapse(path), new Exact(p, p), (a, b) -> new Exact(
                    CtcPrefixBeamSearch.logAddExp(a.logProb(), b.logProb()),
                    Math.max(a.bestPathLogProb(), b.bestPathLogProb())));
        }
        return out;
    }

    static List<Integer> collapse(int[] path) {
        List<Integer> labels = new ArrayList<>();
        int previous = -1;
        for (int token : path) {
            if (token != previous && token != LogProbs.BLANK) {
                labels.add(token);
            }
            previous = token;
        }
        return labels;
    }

    static double pathLogProb(LogProbs logProbs, int[] path) {
        double sum = 0;
        for (int t = 0; t < path.length; t++) {
            sum += logProbs.get(t, path[t]);
        }
        return sum;
    }

    /** The alignment the emitted tokens describe: each token on its frames, blank everywhere else. */
    static int[] path(List<EmittedToken> tokens, int frames) {
        int[] path = new int[frames];
        for (EmittedToken e : tokens) {
            for (int t = e.firstFrame(); t <= e.lastFrame(); t++) {
                if (path[t] != LogProbs.BLANK) {
                    throw new AssertionError("tokens overlap at frame " + t + ": " + tokens);
                }
                path[t] = e.id();
            }
        }
        return path;
    }

    /** log P(labels) by the CTC forward algorithm over the blank-interleaved label sequence. */
    static double sequenceLogProb(LogProbs logProbs, int[] labels) {
        int states = 2 * labels.length + 1;
        double[] alpha = new double[states];
        double[] next = new double[states];
        Arrays.fill(alpha, Double.NEGATIVE_INFINITY);
        alpha[0] = 0;
        for (int t = 0; t < logProbs.frames(); t++) {
            for (int s = 0; s < states; s++) {
                int token = s % 2 == 0 ? LogProbs.BLANK : labels[s / 2];
                double into = alpha[s];
                if (s >= 1) {
                    into = CtcPrefixBeamSearch.logAddExp(into, alpha[s - 1]);
                }
                if (s >= 2 && token != LogProbs.BLANK && token != labels[s / 2 - 1]) {
                    into = CtcPrefixBeamSearch.logAddExp(into, alpha[s - 2]);
                }
                next[s] = into + logProbs.get(t, token);
            }
            double[] swap = alpha;
            alpha = next;
            next = swap;
        }
        return labels.length == 0 ? alpha[0] : CtcPrefixBeamSearch.logAddExp(alpha[states - 1], alpha[states - 2]);
    }
}
