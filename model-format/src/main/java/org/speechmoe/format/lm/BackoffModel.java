package org.speechmoe.format.lm;

import org.speechmoe.format.Metadata;
import org.speechmoe.format.ModelFormatException;

/**
 * A back-off n-gram model held as the sections of an {@code .smlm} file: mapped from one ({@link SmlmFile}) or built
 * in memory by {@link ArpaReader} and written by {@link SmlmWriter}. Immutable and thread-safe; a mapped model must
 * not be used after its file is closed.
 *
 * <p>Scores follow the ARPA back-off rule exactly: the log10 probability of word w after context h is that of the
 * n-gram (h w) when the model has it, else the back-off weight of h (0 when h is not in the model) plus the
 * probability of w after h without its first word, down to the unigram of w. Results are natural logs.
 *
 * <p><b>States.</b> A state is the longest suffix of the words seen (at most {@code order() - 1} of them) that is an
 * n-gram of the model: no longer suffix can change a score, because an n-gram's prefix is always in the model (the
 * import refuses files where it is not), so a context that is not in the model has no continuations and backs off
 * with weight 0. A state packs that n-gram as {@code (length << 32) | index}: its number of words in the high half and
 * its index in the table of that order in the low half; the empty context is 0. Equal states stand for the same
 * context, so a search may merge hypotheses whose states are equal.
 */
public final class BackoffModel implements NgramModel {
    static final String UNKNOWN = "<unk>";
    static final String SENTENCE_START = "<s>";
    static final String SENTENCE_END = "</s>";
    private static final double LN_10 = Math.log(10);

    private final Metadata metadata;
    private final Vocabulary vocabulary;
    private final NgramTable[] tables;
    private final int sentenceStart;
    private final int sentenceEnd;

    private BackoffModel(Metadata metadata, Vocabulary vocabulary, NgramTable[] tables, int sentenceStart,
                         int sentenceEnd) {
        this.metadata = metadata;
        this.vocabulary = vocabulary;
        this.tables = tables.clone();
        this.sentenceStart = sentenceStart;
        this.sentenceEnd = sentenceEnd;
    }

    /** The model over these sections; {@code tables[n - 1]} holds the n-grams. */
    static BackoffModel of(Metadata metadata, Vocabulary vocabulary, NgramTable[] tables, String file)
            throws ModelFormatException {
        int start = vocabulary.find(SENTENCE_START);
        int end = vocabulary.find(SENTENCE_END);
        if (start < 0 || end < 0) {
            throw new ModelFormatException(file + ": vocabulary section: the vocabulary has no "
                    + (start < 0 ? SENTENCE_START : SENTENCE_END));
        }
        return new BackoffModel(metadata, vocabulary, tables, start, end);
    }

    static long state(int length, int index) {
        return (long) length << 32 | index;
    }

    static int length(long state) {
        return (int) (state >>> 32);
    }

    static int index(long state) {
        return (int) state;
    }

    /** Where the model came from: see {@link ArpaReader} for the keys it writes. */
    public Metadata metadata() {
        return metadata;
    }

    /** The number of n-grams of each order, unigrams first. */
    public long[] counts() {
        long[] counts = new long[tables.length];
        for (int n = 0; n < tables.length; n++) {
            counts[n] = tables[n].count();
        }
        return counts;
    }

    Vocabulary vocabulary() {
        return vocabulary;
    }

    NgramTable table(int n) {
        return tables[n - 1];
    }

    @Override
    public int order() {
        return tables.length;
    }

    @Override
    public int vocabularySize() {
        return vocabulary.size();
    }

    @Override
    public String word(int id) {
        checkWord(id);
        return vocabulary.word(id);
    }

    @Override
    public int wordId(CharSequence word) {
        int id = vocabulary.find(word);
        return id < 0 ? UNKNOWN_WORD : id;
    }

    @Override
    public long startState() {
        return order() > 1 ? state(1, sentenceStart) : 0;
    }

    @Override
    public float score(long state, int word, long[] nextState) {
        checkWord(word);
        checkState(state);
        return backOff(state, word, nextState);
    }

    @Override
    public float endScore(long state) {
        checkState(state);
        return backOff(state, sentenceEnd, null);
    }

    private float backOff(long state, int word, long[] nextState) {
        double log10 = 0;
        long context = state;
        while (true) {
            int length = length(context);
            if (length == 0) {
                log10 += tables[0].prob(word);
                if (nextState != null) {
                    nextState[0] = order() > 1 ? state(1, word) : 0;
                }
                break;
            }
            NgramTable table = tables[length - 1];
            int index = index(context);
            int found = table.findChild(index, word, tables[length]);
            if (found >= 0) {
                log10 += tables[length].prob(found);
                if (nextState != null) {
                    nextState[0] = length + 1 < order() ? state(length + 1, found) : extend(table.link(index), word);
                }
                break;
            }
            log10 += table.backoff(index);
            context = table.link(index);
        }
        return (float) (log10 * LN_10);
    }

    /**
     * The state after {@code word} in {@code context}, a context shorter than {@code order() - 1} words: the first
     * context on the back-off path from {@code context} that {@code word} continues, extended by it.
     */
    private long extend(long context, int word) {
        long c = context;
        while (length(c) > 0) {
            NgramTable table = tables[length(c) - 1];
            int found = table.findChild(index(c), word, tables[length(c)]);
            if (found >= 0) {
                return state(length(c) + 1, found);
            }
            c = table.link(index(c));
        }
        return state(1, word);
    }

    /**
     * Checks every stored link against the definition: the link of n-gram (h w) is the longest proper suffix of
     * (h w) in the model, which is {@code extend(link(h), w)}. Orders are checked upwards, so the links this relies on
     * are checked first; the tables' own checks must have passed.
     */
    void checkLinks(String file) throws ModelFormatException {
        for (int n = 2; n < order(); n++) {
            NgramTable parents = tables[n - 2];
            NgramTable table = tables[n - 1];
            int child = 0;
            for (int p = 0; p < parents.count(); p++) {
                long parentLink = parents.link(p);
                for (int end = parents.childEnd(p); child < end; child++) {
                    long expected = extend(parentLink, table.word(child));
                    long stored = table.link(child);
                    if (stored != expected) {
                        throw table.error(file, "entry " + child + " backs off to " + describe(stored)
                                + ", not to its longest suffix in the model, " + describe(expected));
                    }
                }
            }
        }
    }

    /** A state in words, for messages. */
    static String describe(long state) {
        return length(state) == 0 ? "the empty context"
                : "the " + length(state) + "-gram at index " + Integer.toUnsignedString(index(state));
    }

    private void checkWord(int word) {
        if (word < 0 || word >= vocabulary.size()) {
            throw new IllegalArgumentException("word id " + word + " is outside the vocabulary of "
                    + vocabulary.size() + " words");
        }
    }

    private void checkState(long state) {
        int length = length(state);
        int index = index(state);
        boolean valid = length == 0 ? index == 0
                : length > 0 && length < order() && index >= 0 && index < tables[length - 1].count();
        if (!valid) {
            throw new IllegalArgumentException("state " + Long.toHexString(state) + " (" + describe(state)
                    + ") is not a state of this " + order() + "-gram model");
        }
    }
}
