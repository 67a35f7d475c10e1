package org.speechmoe.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntBinaryOperator;
import org.speechmoe.runtime.api.Logits;

/**
 * How a run's routes, gates and log-probabilities differ from a reference run of the same audio: the first layer and
 * frame where a route differs or a gate moves beyond the tolerance, and the first frame and token whose
 * log-probability does. A route may legitimately differ where the reference router's two most probable experts were
 * nearly tied ({@link Tolerance#tieMargin}): then everything after that frame may differ too, and the comparison is
 * {@link #inconclusive}.
 *
 * @param violations   what breaks the tolerance, at most one per layer and one for the output
 * @param inconclusive why the runs cannot be compared, or null
 * @param maxGateDiff  the largest gate difference over layers and frames (measurement)
 * @param maxLogProbDiff the largest {@code |a - b| / (1 + |a|)} over the log-probabilities (measurement)
 */
record LogitsComparison(List<Violation> violations, String inconclusive, double maxGateDiff, double maxLogProbDiff) {
    /**
     * Compares {@code got} with {@code want}, expert {@code e} of {@code want}'s layer {@code l} being expert
     * {@code relabel(l, e)} of {@code got}'s.
     */
    static LogitsComparison of(String check, String input, Logits want, Logits got, Tolerance tolerance,
                               IntBinaryOperator relabel) {
        List<Violation> out = new ArrayList<>();
        if (want.frames() != got.frames() || want.blocks() != got.blocks() || want.vocab() != got.vocab()) {
            out.add(new Violation(check, input, -1, -1, String.format(Locale.ROOT,
                    "shapes differ: %d frames x %d layers x %d tokens, against %d x %d x %d", want.frames(),
                    want.blocks(), want.vocab(), got.frames(), got.blocks(), got.vocab())));
            return new LogitsComparison(out, null, Double.NaN, Double.NaN);
        }
        int frames = want.frames();
        int experts = want.experts();
        double maxGate = 0;
        for (int l = 0; l < want.blocks(); l++) {
            boolean reported = false;
            for (int t = 0; t < frames; t++) {
                int i = l * frames + t;
                int expected = relabel.applyAsInt(l, want.routes()[i]);
                if (got.routes()[i] != expected) {
                    double gap = topTwoGap(want.routerProbabilities(), i * experts, experts);
                    if (gap < tolerance.tieMargin()) {
                        return new LogitsComparison(out, String.format(Locale.ROOT, "layer %d, frame %d: the "
                                + "reference's two most probable experts are %.2g apart, under the tie margin %.2g,"
                                + " and the routes differ", l, t, gap, tolerance.tieMargin()), maxGate, Double.NaN);
                    }
                    if (!reported) {
                        out.add(new Violation(check, input, l, t, String.format(Locale.ROOT,
                                "expected expert %d (probability %.6f, next best %.6f below), got expert %d "
                                        + "(probability %.6f)", expected, want.gates()[i], gap, got.routes()[i],
                                got.gates()[i])));
                        reported = true;
                    }
                    continue;
                }
                double diff = Math.abs(want.gates()[i] - got.gates()[i]);
                maxGate = Math.max(maxGate, diff);
                if (!(diff <= tolerance.gate()) && !reported) {
                    out.add(new Violation(check, input, l, t, String.format(Locale.ROOT,
                            "expert %d's gate %.7f, expected %.7f (difference %.2g, tolerance %.2g)%s", expected,
                            got.gates()[i], want.gates()[i], diff, tolerance.gate(), out.isEmpty() && l > 0
                                    ? String.format(Locale.ROOT, "; %s, so the difference starts in layer "
                                            + "%d's experts or in block %d before its router", l == 1
                                            ? "layer 0 agrees" : "layers 0 to " + (l - 1) + " agree", l - 1, l)
                                    : "")));
                    reported = true;
                }
            }
        }
        double maxLogProb = 0;
        boolean reported = false;
        for (int i = 0; i < want.logProbs().length; i++) {
            float a = want.logProbs()[i];
            float b = got.logProbs()[i];
            double diff = Math.abs(a - b) / (1 + Math.abs(a));
            maxLogProb = Math.max(maxLogProb, Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff);
            if (!(diff <= tolerance.logProb()) && !reported) {
                out.add(new Violation(check, input, -1, i / want.vocab(), String.format(Locale.ROOT,
                        "output: token %d's log-probability %.6f, expected %.6f (|a-b|/(1+|a|) = %.2g, tolerance "
                                + "%.2g)", i % want.vocab(), b, a, diff, tolerance.logProb())));
                reported = true;
            }
        }
        return new LogitsComparison(out, null, maxGate, maxLogProb);
    }

    /** The most probable expert's probability minus the second's, in a router softmax row. */
    static double topTwoGap(float[] probabilities, int from, int experts) {
        float best = Float.NEGATIVE_INFINITY;
        float second = Float.NEGATIVE_INFINITY;
        for (int e = 0; e < experts; e++) {
            float p = probabilities[from + e];
            if (p > best) {
                second = best;
                best = p;
            } else if (p > second) {
                second = p;
            }
        }
        return experts < 2 ? Double.POSITIVE_INFINITY : best - second;
    }
}
