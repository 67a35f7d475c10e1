package org.speechmoe.runtime.internal.decoder;

import java.util.ArrayList;
import java.util.List;

/** Best-path CTC decoding: the most probable token of every frame, repeats merged, blanks dropped. */
public final class CtcGreedy {
    private CtcGreedy() {
    }

    public static List<EmittedToken> decode(LogProbs logProbs) {
        List<EmittedToken> out = new ArrayList<>();
        int runToken = -1;
        int runStart = 0;
        float runPeak = Float.NEGATIVE_INFINITY;
        for (int t = 0; t < logProbs.frames(); t++) {
            int best = argmax(logProbs, t);
            float logProb = logProbs.get(t, best);
            if (best == runToken) {
                runPeak = Math.max(runPeak, logProb);
                continue;
            }
            if (runToken > LogProbs.BLANK) {
                out.add(new EmittedToken(runToken, runStart, t - 1, (float) StrictMath.exp(runPeak)));
            }
            runToken = best;
            runStart = t;
            runPeak = logProb;
        }
        if (runToken > LogProbs.BLANK) {
            out.add(new EmittedToken(runToken, runStart, logProbs.frames() - 1, (float) StrictMath.exp(runPeak)));
        }
        return out;
    }

    /** Ties go to the lowest id, as {@code torch.argmax} does, so ids match the reference bit for bit. */
    static int argmax(LogProbs logProbs, int frame) {
        int best = 0;
        for (int v = 1; v < logProbs.vocab(); v++) {
            if (logProbs.get(frame, v) > logProbs.get(frame, best)) {
                best = v;
            }
        }
        return best;
    }
}
