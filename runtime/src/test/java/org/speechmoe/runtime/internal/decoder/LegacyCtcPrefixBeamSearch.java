package org.speechmoe.runtime.internal.decoder;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.objects.ObjectArrayList;
import it.unimi.dsi.fastutil.objects.ObjectHeapPriorityQueue;
import java.util.ArrayList;
import java.util.List;

/**
 * A frozen copy of {@code CtcPrefixBeamSearch} as it was before shallow fusion, lexicon, hotwords and grammars were
 * added: the oracle for "without any of those, the search is unchanged, bit for bit". Do not edit it to follow the
 * main class; it is the reference the main class is held to.
 */
final class LegacyCtcPrefixBeamSearch {
    private static final double NEG_INF = Double.NEGATIVE_INFINITY;
    private static final int NO_TOKEN = -1;
    private static final int NO_PARENT = -1;

    private final int beamWidth;
    private final int tokensPerFrame;
    private final float tokenLogProbFloor;

    /** A search over every token of every frame. */
    LegacyCtcPrefixBeamSearch(int beamWidth) {
        this(beamWidth, Integer.MAX_VALUE, Float.NEGATIVE_INFINITY);
    }

    LegacyCtcPrefixBeamSearch(int beamWidth, int tokensPerFrame, float tokenLogProbFloor) {
        if (beamWidth < 1 || tokensPerFrame < 1) {
            throw new IllegalArgumentException("beam width and tokens per frame must be at least 1, got " + beamWidth
                    + " and " + tokensPerFrame);
        }
        if (Float.isNaN(tokenLogProbFloor)) {
            throw new IllegalArgumentException("token log-probability floor is NaN");
        }
        this.beamWidth = beamWidth;
        this.tokensPerFrame = tokensPerFrame;
        this.tokenLogProbFloor = tokenLogProbFloor;
    }

    /** Up to {@code beamWidth} distinct hypotheses, most probable first. */
    List<Hypothesis> search(LogProbs logProbs) {
        Search s = new Search(logProbs);
        for (int t = 0; t < logProbs.frames(); t++) {
            s.advance(t);
        }
        List<Hypothesis> out = new ArrayList<>(s.beam.size());
        for (Prefix p : s.beam) {
            out.add(new Hypothesis(TokenRun.tokens(p.bestPathRuns()), p.total));
        }
        return out;
    }

    static double logAddExp(double a, double b) {
        if (a == NEG_INF) {
            return b;
        }
        if (b == NEG_INF) {
            return a;
        }
        return Math.max(a, b) + Math.log1p(StrictMath.exp(-Math.abs(a - b)));
    }

    /** Orders by total; equal totals by key, so the same input always gives the same beam. */
    private static int compare(double total, long key, Prefix other) {
        int byTotal = Double.compare(total, other.total);
        return byTotal != 0 ? byTotal : Long.compare(other.key, key);
    }

    /** A prefix in the beam, or a candidate for the next frame's beam. Objects are recycled between frames. */
    private static final class Prefix {
        int parent;
        int lastToken;
        long key;
        int id;
        /** log P(prefix, alignment so far ends in a blank), and ... ends in the prefix's last token. */
        double blank;
        double nonBlank;
        double total;
        /** The best single alignment of each kind: its log-probability and its tokens' frames. */
        double blankPath;
        TokenRun blankPathRuns;
        double nonBlankPath;
        TokenRun nonBlankPathRuns;

        Prefix reset(int parent, int lastToken, int id) {
            this.parent = parent;
            this.lastToken = lastToken;
            this.id = id;
            key = PrefixTrie.key(parent, lastToken);
            blank = nonBlank = total = blankPath = nonBlankPath = NEG_INF;
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
            nonBlank = logAddExp(nonBlank, logProb);
            if (bestPathBefore + tokenLogProb > nonBlankPath) {
                nonBlankPath = bestPathBefore + tokenLogProb;
                nonBlankPathRuns = TokenRun.append(runsBefore, lastToken, frame, tokenLogProb);
            }
        }
    }

    /**
     * The state of one search. Each frame first lets every beam prefix stay, then extends every beam prefix by every
     * kept token. An extension is either a prefix already in the beam (its stay candidate collects it) or one that
     * no other beam prefix can reach at this frame, whose score is therefore final at once: it only becomes an object
     * if it makes the beam so far.
     */
    private final class Search {
        private final LogProbs logProbs;
        private final PrefixTrie trie = new PrefixTrie();
        /** Sorted best first. */
        private final ObjectArrayList<Prefix> beam = new ObjectArrayList<>();
        private final ObjectArrayList<Prefix> stays = new ObjectArrayList<>();
        private final Long2IntOpenHashMap beamIndex = new Long2IntOpenHashMap();
        /** The next beam: a heap with its worst member first. */
        private final ObjectHeapPriorityQueue<Prefix> next =
                new ObjectHeapPriorityQueue<>((a, b) -> compare(a.total, a.key, b));
        private final ObjectArrayList<Prefix> spare = new ObjectArrayList<>();
        private final int[] tokens;
        private int tokenCount;
        private final boolean pruning;
        /** {@code keptAt[v] == t + 1} when token v is considered at frame t. */
        private final int[] keptAt;

        Search(LogProbs logProbs) {
            this.logProbs = logProbs;
            int vocab = logProbs.vocab();
            pruning = tokensPerFrame < vocab - 1 || tokenLogProbFloor > Float.NEGATIVE_INFINITY;
            tokens = new int[Math.max(vocab - 1, 0)];
            keptAt = new int[vocab];
            if (!pruning) {
                for (int v = 1; v < vocab; v++) {
                    tokens[tokenCount++] = v;
                }
            }
            beamIndex.defaultReturnValue(-1);
            Prefix empty = new Prefix().reset(NO_PARENT, NO_TOKEN, PrefixTrie.ROOT);
            empty.blank = empty.blankPath = empty.total = 0;
            beam.add(empty);
        }

        void advance(int t) {
            float[] values = logProbs.values();
            int row = t * logProbs.vocab();
            if (pruning) {
                selectTokens(values, row, t);
            }
            next.clear();
            stay(values, row, t);
            extend(values, row, t);
            for (Prefix stay : stays) {
                stay.total = logAddExp(stay.blank, stay.nonBlank);
                offer(stay);
            }
            spare.addAll(beam);
            beam.size(next.size());
            for (int i = next.size() - 1; i >= 0; i--) {
                Prefix p = next.dequeue();
                if (p.id < 0) {
                    p.id = trie.child(p.parent, p.lastToken);
                }
                beam.set(i, p);
            }
        }

        /** Frame {@code t} adds a blank, or repeats the last token, to every beam prefix. */
        private void stay(float[] values, int row, int t) {
            float blankLogProb = values[row + LogProbs.BLANK];
            stays.clear();
            beamIndex.clear();
            for (int i = 0; i < beam.size(); i++) {
                Prefix p = beam.get(i);
                Prefix stay = take().reset(p.parent, p.lastToken, p.id);
                stay.blank = p.total + blankLogProb;
                stay.blankPath = p.bestPath() + blankLogProb;
                stay.blankPathRuns = p.bestPathRuns();
                if (p.lastToken != NO_TOKEN && isKept(p.lastToken, t)) {
                    float logProb = values[row + p.lastToken];
                    stay.nonBlank = p.nonBlank + logProb;
                    if (p.nonBlankPathRuns != null) {
                        stay.nonBlankPath = p.nonBlankPath + logProb;
                        stay.nonBlankPathRuns = p.nonBlankPathRuns.extendedTo(t, logProb);
                    }
                }
                stays.add(stay);
                beamIndex.put(p.key, i);
            }
        }

        /** Frame {@code t} emits a new token after every beam prefix. */
        private void extend(float[] values, int row, int t) {
            for (Prefix p : beam) {
                for (int k = 0; k < tokenCount; k++) {
                    int token = tokens[k];
                    float logProb = values[row + token];
                    boolean repeat = token == p.lastToken;
                    double logProbLonger = (repeat ? p.blank : p.total) + logProb;
                    double bestPathBefore = repeat ? p.blankPath : p.bestPath();
                    TokenRun runsBefore = repeat ? p.blankPathRuns : p.bestPathRuns();
                    long key = PrefixTrie.key(p.id, token);
                    int inBeam = beamIndex.get(key);
                    if (inBeam >= 0) {
                        stays.get(inBeam).addNewToken(logProbLonger, bestPathBefore, runsBefore, t, logProb);
                    } else if (logProbLonger > NEG_INF && makesBeam(logProbLonger, key)) {
                        Prefix longer = take().reset(p.id, token, -1);
                        longer.addNewToken(logProbLonger, bestPathBefore, runsBefore, t, logProb);
                        longer.total = longer.nonBlank;
                        offer(longer);
                    }
                }
            }
        }

        private boolean makesBeam(double total, long key) {
            return next.size() < beamWidth || compare(total, key, next.first()) > 0;
        }

        private void offer(Prefix candidate) {
            if (candidate.total == NEG_INF || !makesBeam(candidate.total, candidate.key)) {
                spare.add(candidate);
                return;
            }
            if (next.size() == beamWidth) {
                spare.add(next.dequeue());
            }
            next.enqueue(candidate);
        }

        private Prefix take() {
            return spare.isEmpty() ? new Prefix() : spare.pop();
        }

        private boolean isKept(int token, int frame) {
            return !pruning || keptAt[token] == frame + 1;
        }

        /** Fills {@code tokens} with the non-blank tokens the pruning options keep at this frame. */
        private void selectTokens(float[] values, int row, int frame) {
            tokenCount = 0;
            int best = 1;
            for (int v = 1; v < logProbs.vocab(); v++) {
                float logProb = values[row + v];
                if (logProb > values[row + best]) {
                    best = v;
                }
                if (logProb < tokenLogProbFloor) {
                    continue;
                }
                if (tokensPerFrame >= tokens.length) {
                    tokens[tokenCount++] = v;
                } else {
                    insertIfTopK(values, row, v);
                }
            }
            if (tokenCount == 0 && tokens.length > 0) {
                tokens[tokenCount++] = best;
            }
            for (int k = 0; k < tokenCount; k++) {
                keptAt[tokens[k]] = frame + 1;
            }
        }

        /** Keeps {@code tokens[0..tokenCount)} the best {@code tokensPerFrame} seen so far, best first. */
        private void insertIfTopK(float[] values, int row, int token) {
            float logProb = values[row + token];
            if (tokenCount == tokensPerFrame && logProb <= values[row + tokens[tokenCount - 1]]) {
                return;
            }
            int at = Math.min(tokenCount, tokensPerFrame - 1);
            while (at > 0 && values[row + tokens[at - 1]] < logProb) {
                tokens[at] = tokens[at - 1];
                at--;
            }
            tokens[at] = token;
            tokenCount = Math.min(tokenCount + 1, tokensPerFrame);
        }
    }
}
