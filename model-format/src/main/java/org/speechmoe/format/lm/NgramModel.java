package org.speechmoe.format.lm;

/**
 * A word n-gram language model with back-off, as a search asks it: a state stands for the words the model still
 * remembers (at most {@code order() - 1} of them), and scoring a word in a state gives the word's log-probability and
 * the state after it. Implementations are immutable and safe to share between threads.
 *
 * <p>Words are numbered {@code 0 .. vocabularySize() - 1}; {@link #UNKNOWN_WORD} is {@code <unk>}, which every model
 * has (an ARPA file without it gets one with the probability the import documents). {@code <s>} and {@code </s>}
 * are in the vocabulary too but are never scored as words: a sentence starts in {@link #startState()} and ends with
 * {@link #endScore(long)}.
 *
 * <p>Equal states stand for the same context, so a search may merge hypotheses whose states are equal. Scores are
 * natural logs, negative or zero except where an ARPA back-off weight is positive enough to outweigh the rest, and
 * negative infinity for a word the model gives probability 0 ({@code -inf} in ARPA). An id or a state that does not
 * belong to the model is refused with {@link IllegalArgumentException}.
 */
public interface NgramModel {
    /** The id of {@code <unk>}, which a word outside the vocabulary maps to. */
    int UNKNOWN_WORD = 0;

    /** The longest n-gram the model holds. */
    int order();

    /** Words in the vocabulary, {@code <unk>}, {@code <s>} and {@code </s>} included. */
    int vocabularySize();

    /** The word with this id. */
    String word(int id);

    /** The id of {@code word}, or {@link #UNKNOWN_WORD} when the model does not know it. */
    int wordId(CharSequence word);

    /** The state at the start of a sentence: the context {@code <s>}. */
    long startState();

    /**
     * The natural-log probability of {@code word} after the context {@code state}, backing off as the model says.
     *
     * @param nextState receives, in element 0, the state after the word
     */
    float score(long state, int word, long[] nextState);

    /** The natural-log probability of {@code </s>} after the context {@code state}. */
    float endScore(long state);
}
