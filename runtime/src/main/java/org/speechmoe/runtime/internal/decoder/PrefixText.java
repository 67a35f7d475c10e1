package org.speechmoe.runtime.internal.decoder;

/**
 * What a prefix has spelled, as far as the language model, the lexicon, the hotwords and the grammar need it; only
 * {@link TextFusion} reads and writes the fields. A prefix's text is fixed once the prefix holds it (a prefix that
 * stays shares its object with the next frame's), except for the closing of its word, which is worked out the first
 * time an extension needs it and kept, since every extension that starts a new word needs the same one. A search
 * also keeps one as scratch, to try an extension before it knows whether the extension makes the beam.
 */
final class PrefixText {
    /** The word being spelled, {@code ""} if none; only the search's scratch may be mid-way (see {@link #appended}). */
    String word = "";
    /** Whether the next continuation piece joins {@link #word}; a CJK or {@code <unk>} word is sealed. */
    boolean wordOpen;
    /** Whether the last character spelled is CJK: then no space comes before a CJK word. */
    boolean endsCjk;
    /** Words completed so far. */
    int words;
    /** The language model's state after the completed words. */
    long lmState;
    /** What the completed words add to the score: alpha * ln P + beta (+ the unknown word penalty) each. */
    double wordScore;
    int lexiconNode;
    int grammarNode;
    int hotwordState;
    /** Bonus of the hotword occurrences completed so far. */
    double hotwordScore;
    /** What the beam adds to the CTC log-probability to rank this prefix. */
    double context;

    /** Whether {@link #word}'s closing is known, whether the lexicon allows it, and what it gives. */
    boolean closeKnown;
    boolean closeAllowed;
    long closedLmState;
    double closeScore;

    /** Scratch only: characters that {@link #freeze} appends to {@link #word}, so that a rejected try allocates none. */
    String appended = "";
    /** Scratch only: whether the try changed anything, else {@link #freeze} returns the text tried from. */
    boolean changed;

    /** Starts a try from {@code from}: the same text, no closing known yet. */
    void copy(PrefixText from) {
        word = from.word;
        wordOpen = from.wordOpen;
        endsCjk = from.endsCjk;
        words = from.words;
        lmState = from.lmState;
        wordScore = from.wordScore;
        lexiconNode = from.lexiconNode;
        grammarNode = from.grammarNode;
        hotwordState = from.hotwordState;
        hotwordScore = from.hotwordScore;
        context = from.context;
        closeKnown = false;
        appended = "";
        changed = false;
    }

    /** The text this scratch holds, for a prefix to keep: {@code from} itself when the try changed nothing. */
    PrefixText freeze(PrefixText from) {
        if (!changed) {
            return from;
        }
        PrefixText kept = new PrefixText();
        kept.copy(this);
        kept.word = appended.isEmpty() ? word : word.isEmpty() ? appended : word + appended;
        return kept;
    }
}
