package org.speechmoe.runtime.internal.decoder;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One token of a CTC alignment: the consecutive output frames that emit it and its peak log-probability there. Runs
 * form an immutable list linked from the newest token back to the first, so the beam's prefixes share their common
 * history and extending an alignment by a token or a frame costs one small object.
 */
final class TokenRun {
    private final int token;
    private final int firstFrame;
    private final int lastFrame;
    private final float peakLogProb;
    private final TokenRun previous;

    private TokenRun(int token, int firstFrame, int lastFrame, float peakLogProb, TokenRun previous) {
        this.token = token;
        this.firstFrame = firstFrame;
        this.lastFrame = lastFrame;
        this.peakLogProb = peakLogProb;
        this.previous = previous;
    }

    /** The alignment {@code previous} (null: empty) followed by {@code token}, first emitted at {@code frame}. */
    static TokenRun append(TokenRun previous, int token, int frame, float logProb) {
        return new TokenRun(token, frame, frame, logProb, previous);
    }

    /** This alignment with its last token emitted once more, at {@code frame}. */
    TokenRun extendedTo(int frame, float logProb) {
        return new TokenRun(token, firstFrame, frame, Math.max(peakLogProb, logProb), previous);
    }

    /** The tokens of the alignment ending with {@code last} (null: empty), in order. */
    static List<EmittedToken> tokens(TokenRun last) {
        List<EmittedToken> out = new ArrayList<>();
        for (TokenRun r = last; r != null; r = r.previous) {
            out.add(new EmittedToken(r.token, r.firstFrame, r.lastFrame, (float) StrictMath.exp(r.peakLogProb)));
        }
        Collections.reverse(out);
        return out;
    }
}
