package org.speechmoe.runtime.internal.decoder;

/** A prefix in the beam, or a candidate for the next frame's beam. Objects are recycled between frames. */
final class Prefix {
    private static final double NEG_INF = Double.NEGATIVE_INFINITY;

    int parent;
    int lastToken;
    long key;
    int id;
    /** log P(prefix, alignment so far ends in a blank), and ... ends in the prefix's last token. */
    double blank;
    double nonBlank;
    double total;
    /** What the beam ranks by: {@code total} plus {@code text.context}. */
    double score;
    /** The best single alignment of each kind: its log-probability and its tokens' frames. */
    double blankPath;
    TokenRun blankPathRuns;
    double nonBlankPath;
    TokenRun nonBlankPathRuns;
    PrefixText text;

    Prefix reset(int parent, int lastToken, int id, PrefixText text) {
        this.parent = parent;
        this.lastToken = lastToken;
        this.id = id;
        this.text = text;
        key = PrefixTrie.key(parent, lastToken);
        blank = nonBlank = total = score = blankPath = nonBlankPath = NEG_INF;
        blankPathRuns = nonBlankPathRuns = null;
        return this;
    }

    double bestPath() {
        return Math.max(blankPath, nonBlankPath);
    }

    TokenRun bestPathRuns() {
        return blankPath >= nonBlankPath ? blankPathRuns : nonBlankPathRuns;
    }

    /** Adds alignments that end on this prefix's last token, newly emitted at {@code frame}. */
    void addNewToken(double logProb, double bestPathBefore, TokenRun runsBefore, int frame, float tokenLogProb) {
        nonBlank = CtcPrefixBeamSearch.logAddExp(nonBlank, logProb);
        if (bestPathBefore + tokenLogProb > nonBlankPath) {
            nonBlankPath = bestPathBefore + tokenLogProb;
            nonBlankPathRuns = TokenRun.append(runsBefore, lastToken, frame, tokenLogProb);
        }
    }
}
