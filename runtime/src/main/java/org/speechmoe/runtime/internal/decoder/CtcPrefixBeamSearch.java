package org.speechmoe.runtime.internal.decoder;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.objects.ObjectArrayList;
import it.unimi.dsi.fastutil.objects.ObjectHeapPriorityQueue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * CTC prefix beam search in log space. Every prefix (label sequence) in the beam carries two probabilities, of the
 * alignments so far that end in a blank and of those that end in its last token. A frame either keeps a prefix (a
 * blank, or its last token repeated) or extends it by one token, and alignments that reach the same prefix are summed.
 * A token equal to the prefix's last one only extends it after a blank, since CTC merges repeats. The best
 * {@code beamWidth} prefixes by total probability (with text fused, by their ranking score: see below) survive each
 * frame; a hypothesis' log-probability is the log of the summed probability of the alignments the beam kept.
 *
 * <p>For timing, each prefix also keeps the single most probable of those alignments (the Viterbi max in place of the
 * sum, per ending kind) as {@link TokenRun}s, and a hypothesis reports its frame spans. With a beam wide enough to
 * keep every prefix that is the sequence's best alignment; for the greedy sequence, the greedy path.
 *
 * <p>Optional per-frame token pruning only considers, at each frame, the {@code tokensPerFrame} most probable
 * non-blank tokens (ties: lowest id) whose log-probability is at least {@code tokenLogProbFloor}, and always at least
 * the frame's best non-blank token; the blank is always considered. Pruning drops the alignments through the skipped
 * tokens, a prefix's last token repeating included, so scores can only decrease and hypotheses can change. At the
 * defaults (every token, no floor) nothing is pruned and the search is the textbook one; it then costs
 * {@code frames * beamWidth * vocab} steps, so large vocabularies want a {@code tokensPerFrame} of a few times the
 * beam width.
 *
 * <p>With {@link SearchOptions} that fuse text (a language model, a word bonus, the lexicon, hotwords, a grammar:
 * {@link TextFusion}), the beam ranks a prefix by its CTC log-probability plus what {@link TextFusion} adds for the text
 * it spells; since that is a function of the prefix, alignments still merge exactly. Extensions that the lexicon or
 * the grammar forbid are dropped. At the end each prefix gets its final ranking score ({@link TextFusion#finish}),
 * those that cannot end there are dropped, and the rest are sorted by it. Without any of that, nothing is added and the
 * search is the one above, bit for bit. An optional score margin drops, after each frame, the prefixes ranked more
 * than the margin below the frame's best (and candidates already that far below the best so far).
 *
 * <p>Instances are immutable and can be shared between threads.
 */
public final class CtcPrefixBeamSearch {
    private static final double NEG_INF = Double.NEGATIVE_INFINITY;
    private static final int NO_TOKEN = -1;
    private static final int NO_PARENT = -1;
    /** The text of every prefix of a search that fuses none: it adds nothing to the ranking. */
    private static final PrefixText NO_TEXT = new PrefixText();

    private final int beamWidth;
    private final int tokensPerFrame;
    private final float tokenLogProbFloor;
    private final double scoreMargin;
    /** Null when nothing is fused. */
    private final TextFusion fusion;
    private final int vocabularySize;

    /** A search over every token of every frame. */
    public CtcPrefixBeamSearch(int beamWidth) {
        this(beamWidth, Integer.MAX_VALUE, Float.NEGATIVE_INFINITY);
    }

    public CtcPrefixBeamSearch(int beamWidth, int tokensPerFrame, float tokenLogProbFloor) {
        this(SearchOptions.builder(beamWidth).tokenPruning(tokensPerFrame, tokenLogProbFloor).build(), null);
    }

    /**
     * @param vocabulary the pieces' text; may be null when the options fuse nothing
     * @throws IllegalArgumentException when a hotword or grammar phrase has a character no piece spells
     */
    CtcPrefixBeamSearch(SearchOptions options, Vocabulary vocabulary) {
        this.beamWidth = options.beamWidth();
        this.tokensPerFrame = options.tokensPerFrame();
        this.tokenLogProbFloor = options.tokenLogProbFloor();
        this.scoreMargin = options.scoreMargin();
        if (options.fusesText() && vocabulary == null) {
            throw new IllegalArgumentException("a search that fuses text needs the vocabulary");
        }
        this.fusion = options.fusesText() ? new TextFusion(options, vocabulary) : null;
        this.vocabularySize = vocabulary == null ? -1 : vocabulary.size();
    }

    /**
     * Up to {@code beamWidth} distinct hypotheses, best first: by CTC log-probability, or, when text is fused, by
     * the final ranking score, without those that cannot end the utterance.
     */
    public List<Hypothesis> search(LogProbs logProbs) {
        if (fusion != null && logProbs.vocab() != vocabularySize) {
            throw new IllegalArgumentException(logProbs.vocab() + " tokens per frame for a vocabulary of "
                    + vocabularySize);
        }
        Search s = new Search(logProbs);
        for (int t = 0; t < logProbs.frames(); t++) {
            s.advance(t);
        }
        List<Hypothesis> out = new ArrayList<>(s.beam.size());
        for (Prefix p : s.beam) {
            double score = fusion == null ? p.total : p.total + fusion.finish(p.text, s.lmNext);
            if (!Double.isNaN(score)) {
                out.add(new Hypothesis(TokenRun.tokens(p.bestPathRuns()), p.total, score));
            }
        }
        if (fusion != null) {
            out.sort(Comparator.comparingDouble(Hypothesis::score).reversed());
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

    /** Orders by ranking score; equal scores by key, so the same input always gives the same beam. */
    private static int compare(double score, long key, Prefix other) {
        int byScore = Double.compare(score, other.score);
        return byScore != 0 ? byScore : Long.compare(other.key, key);
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
                new ObjectHeapPriorityQueue<>((a, b) -> compare(a.score, a.key, b));
        private final ObjectArrayList<Prefix> spare = new ObjectArrayList<>();
        private final int[] tokens;
        private int tokenCount;
        private final boolean pruning;
        /** {@code keptAt[v] == t + 1} when token v is considered at frame t. */
        private final int[] keptAt;
        /** Where an extension's text is tried before it is known to make the beam; null when nothing is fused. */
        private final PrefixText tried = fusion == null ? null : new PrefixText();
        final long[] lmNext = new long[1];
        /** The best ranking score of the next beam so far. */
        private double frameBest;

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
            PrefixText text = fusion == null ? NO_TEXT : fusion.start();
            Prefix empty = new Prefix().reset(NO_PARENT, NO_TOKEN, PrefixTrie.ROOT, text);
            empty.blank = empty.blankPath = empty.total = 0;
            empty.score = empty.total + text.context;
            beam.add(empty);
        }

        void advance(int t) {
            float[] values = logProbs.values();
            int row = t * logProbs.vocab();
            if (pruning) {
                selectTokens(values, row, t);
            }
            next.clear();
            frameBest = NEG_INF;
            stay(values, row, t);
            extend(values, row, t);
            for (Prefix stay : stays) {
                stay.total = logAddExp(stay.blank, stay.nonBlank);
                stay.score = stay.total + stay.text.context;
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
            while (beam.size() > 1 && beam.top().score < beam.getFirst().score - scoreMargin) {
                spare.add(beam.pop());
            }
        }

        /** Frame {@code t} adds a blank, or repeats the last token, to every beam prefix. */
        private void stay(float[] values, int row, int t) {
            float blankLogProb = values[row + LogProbs.BLANK];
            stays.clear();
            beamIndex.clear();
            for (int i = 0; i < beam.size(); i++) {
                Prefix p = beam.get(i);
                Prefix stay = take().reset(p.parent, p.lastToken, p.id, p.text);
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
                    } else if (logProbLonger > NEG_INF) {
                        if (fusion != null && !fusion.step(p.text, token, tried, lmNext)) {
                            continue;
                        }
                        double score = logProbLonger + (fusion == null ? p.text : tried).context;
                        if (makesBeam(score, key)) {
                            Prefix longer = take().reset(p.id, token, -1,
                                    fusion == null ? p.text : tried.freeze(p.text));
                            longer.addNewToken(logProbLonger, bestPathBefore, runsBefore, t, logProb);
                            longer.total = longer.nonBlank;
                            longer.score = score;
                            offer(longer);
                        }
                    }
                }
            }
        }

        /** Whether a candidate ranked {@code score} would be kept, with the margin as far as the frame has got. */
        private boolean makesBeam(double score, long key) {
            if (score < frameBest - scoreMargin) {
                return false;
            }
            return next.size() < beamWidth || compare(score, key, next.first()) > 0;
        }

        private void offer(Prefix candidate) {
            if (candidate.score == NEG_INF || !makesBeam(candidate.score, candidate.key)) {
                spare.add(candidate);
                return;
            }
            if (next.size() == beamWidth) {
                spare.add(next.dequeue());
            }
            next.enqueue(candidate);
            frameBest = Math.max(frameBest, candidate.score);
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
