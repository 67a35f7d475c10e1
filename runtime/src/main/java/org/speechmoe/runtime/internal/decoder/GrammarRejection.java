package org.speechmoe.runtime.internal.decoder;

import java.util.List;

/**
 * Whether the best result a grammar allows is too far from what was heard to be believed. The measure compares two
 * single alignments: the unconstrained best path (each frame's most probable token) and the best alignment of the
 * grammar's best result, as the difference of their log-probabilities per frame. It is never negative, is 0 when the
 * grammar's result is what the acoustic model would have said anyway, and grows with every frame the grammar forces
 * to a token the model did not favour. The language model and hotwords stay out of it: they do not say what was
 * heard.
 *
 * <p>Default {@value #DEFAULT_THRESHOLD} nats per frame. An in-grammar phrase whose characters are uncertain costs
 * little: a frame where the grammar's token has 0.3 against the favourite's 0.6 costs ln 2 = 0.7, and a couple of
 * those in a two-second command (50 frames) average out to about 0.03. A phrase that is not in the grammar costs
 * several nats on every frame of the word the grammar replaces (the replacement's tokens are rarely above 0.05 when
 * another word was spoken: 2.5 nats or more each), and a word's frames are a good part of a short command: one
 * five-letter word forced in a 50-frame utterance costs around 0.3 to 0.6. {@code GrammarRejectionTest} builds both
 * cases.
 */
final class GrammarRejection {
    static final double DEFAULT_THRESHOLD = 0.15;

    private GrammarRejection() {
    }

    /** The per-frame gap between the greedy path and the alignment {@code tokens} describe (blank elsewhere). */
    static double gapPerFrame(LogProbs logProbs, List<EmittedToken> tokens) {
        if (logProbs.frames() == 0) {
            return 0;
        }
        double greedy = 0;
        double aligned = 0;
        int next = 0;
        for (int t = 0; t < logProbs.frames(); t++) {
            float best = logProbs.get(t, 0);
            for (int v = 1; v < logProbs.vocab(); v++) {
                best = Math.max(best, logProbs.get(t, v));
            }
            greedy += best;
            while (next < tokens.size() && tokens.get(next).lastFrame() < t) {
                next++;
            }
            boolean emitted = next < tokens.size() && tokens.get(next).firstFrame() <= t;
            aligned += logProbs.get(t, emitted ? tokens.get(next).id() : LogProbs.BLANK);
        }
        return (greedy - aligned) / logProbs.frames();
    }
}
