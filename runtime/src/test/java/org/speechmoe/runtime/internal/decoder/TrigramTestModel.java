package org.speechmoe.runtime.internal.decoder;

import it.unimi.dsi.fastutil.longs.Long2DoubleOpenHashMap;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.speechmoe.format.lm.NgramModel;

/**
 * A back-off trigram model held in hash maps: what the search sees of an ARPA model, without the file. A state is
 * the last two words (the first may be {@link #NO_WORD}); a missing trigram backs off to the bigram with the
 * history's back-off weight, a missing bigram to the unigram. The numbers are whatever the test draws, not
 * normalized: the search only adds them up. Immutable.
 */
final class TrigramTestModel implements NgramModel {
    static final int START = 1;
    static final int END = 2;
    private static final int NO_WORD = -1;
    private static final int BITS = 21;

    private final List<String> words;
    private final Object2IntOpenHashMap<String> ids = new Object2IntOpenHashMap<>();
    private final float[] unigram;
    private final float[] unigramBackoff;
    private final Long2DoubleOpenHashMap bigram = new Long2DoubleOpenHashMap();
    private final Long2DoubleOpenHashMap bigramBackoff = new Long2DoubleOpenHashMap();
    private final Long2DoubleOpenHashMap trigram = new Long2DoubleOpenHashMap();

    /**
     * A model of {@code known} (plus {@code <unk>}, {@code <s>}, {@code </s>} as ids 0, 1, 2) with random
     * log-probabilities: every unigram, and about the given shares of all bigrams and trigrams.
     */
    static TrigramTestModel random(List<String> known, long seed, double bigramShare, double trigramShare) {
        Random random = new Random(seed);
        List<String> words = new ArrayList<>(List.of(PieceKind.UNKNOWN_PIECE, "<s>", "</s>"));
        words.addAll(known);
        TrigramTestModel m = new TrigramTestModel(words);
        int n = words.size();
        for (int w = 0; w < n; w++) {
            m.unigram[w] = logProb(random);
            m.unigramBackoff[w] = logProb(random) / 4;
        }
        long pairs = Math.round(bigramShare * n * n);
        for (long i = 0; i < pairs; i++) {
            long key = key(random.nextInt(n), random.nextInt(n));
            m.bigram.put(key, logProb(random));
            m.bigramBackoff.put(key, logProb(random) / 4);
        }
        long triples = Math.round(trigramShare * n * n * n);
        for (long i = 0; i < triples; i++) {
            m.trigram.put(key(random.nextInt(n), random.nextInt(n), random.nextInt(n)), logProb(random));
        }
        return m;
    }

    private static float logProb(Random random) {
        return (float) Math.log(0.01 + 0.99 * random.nextDouble());
    }

    private TrigramTestModel(List<String> words) {
        this.words = List.copyOf(words);
        ids.defaultReturnValue(UNKNOWN_WORD);
        for (int i = 0; i < words.size(); i++) {
            ids.put(words.get(i), i);
        }
        unigram = new float[words.size()];
        unigramBackoff = new float[words.size()];
    }

    private static long key(int u, int v) {
        return (long) u << BITS | v;
    }

    private static long key(int u, int v, int w) {
        return ((long) u << BITS | v) << BITS | w;
    }

    private static long state(int u, int v) {
        return (long) (u + 1) << 32 | v;
    }

    @Override
    public int order() {
        return 3;
    }

    @Override
    public int vocabularySize() {
        return words.size();
    }

    @Override
    public String word(int id) {
        return words.get(id);
    }

    @Override
    public int wordId(CharSequence word) {
        return ids.getInt(word.toString());
    }

    @Override
    public long startState() {
        return state(NO_WORD, START);
    }

    @Override
    public float score(long state, int word, long[] nextState) {
        int u = (int) (state >>> 32) - 1;
        int v = (int) state;
        nextState[0] = state(v, word);
        if (u != NO_WORD && trigram.containsKey(key(u, v, word))) {
            return (float) trigram.get(key(u, v, word));
        }
        float backoff = u == NO_WORD ? 0 : (float) bigramBackoff.getOrDefault(key(u, v), 0);
        long pair = key(v, word);
        return backoff + (bigram.containsKey(pair) ? (float) bigram.get(pair) : unigramBackoff[v] + unigram[word]);
    }

    @Override
    public float endScore(long state) {
        return score(state, END, new long[1]);
    }
}
