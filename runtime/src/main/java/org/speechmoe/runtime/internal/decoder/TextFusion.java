package org.speechmoe.runtime.internal.decoder;

import java.util.List;
import org.speechmoe.format.lm.NgramModel;

/**
 * What the beam search adds to CTC, all of it a function of the text a prefix spells (so alignments that reach the
 * same prefix still merge exactly): shallow fusion with a word n-gram model, a word bonus, the lexicon constraint,
 * hotwords and a grammar. Immutable, shared by the searches of one {@link CtcPrefixBeamSearch}; each search brings
 * its own scratch.
 *
 * <p>Words follow {@link PieceKind}: a word is completed when the next one starts (a word-start, CJK or
 * {@code <unk>} piece, or a continuation piece after a CJK or {@code <unk>} word), and only then is it scored: it
 * adds {@code alpha * ln P_lm(word | the words before it) + beta}, plus {@code unknownWordPenalty} when the model maps
 * it to {@code <unk>}. The model's history starts at {@code startState()}. A prefix's unfinished word adds nothing
 * while the search runs.
 *
 * <p>At the end of the utterance ({@link #finish}) the last word is completed and scored the same way, then
 * {@code alpha * endScore} (the model's {@code </s>}) is added, and the unfinished hotword match is taken back: the
 * final ranking holds every word, {@code </s>} and the completed hotword occurrences. A prefix cannot end where the
 * lexicon constraint leaves its last word incomplete, nor where the grammar has no phrase ending.
 *
 * <p>The lexicon constraint drops an extension whose current word is no beginning of a known word, and one that
 * starts a new word while the current one is not a known word. The grammar drops an extension whose text (as
 * {@link Vocabulary} writes it for the automata) is no beginning of a phrase.
 */
final class TextFusion {
    private final Vocabulary vocabulary;
    private final NgramModel lm;
    private final double alpha;
    private final double beta;
    private final double unknownWordPenalty;
    /** Null when not constrained. */
    private final CharTrie lexicon;
    /** Null without a grammar. */
    private final CharTrie grammar;
    /** Null without hotwords. */
    private final HotwordAutomaton hotwords;
    /** Shared by every search: safe, since it has no word, so no search ever writes a closing into it. */
    private final PrefixText start = new PrefixText();

    TextFusion(SearchOptions options, Vocabulary vocabulary) {
        this.vocabulary = vocabulary;
        lm = options.languageModel();
        alpha = options.alpha();
        beta = options.beta();
        unknownWordPenalty = options.unknownWordPenalty();
        lexicon = options.lexiconConstrained() ? Lexicon.of(lm) : null;
        grammar = options.grammar().isEmpty() ? null : grammarTrie(options.grammar(), vocabulary);
        hotwords = options.hotwords().isEmpty() ? null : hotwordAutomaton(options, vocabulary);
        start.lmState = lm == null ? 0 : lm.startState();
        start.hotwordState = hotwords == null ? 0 : hotwords.start();
        start.context = contextOf(start);
    }

    private static CharTrie grammarTrie(List<String> phrases, Vocabulary vocabulary) {
        String[] keys = new String[phrases.size()];
        int[] index = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = vocabulary.normalize(phrases.get(i), "grammar phrase");
            index[i] = i;
        }
        return CharTrie.of(keys, index);
    }

    private static HotwordAutomaton hotwordAutomaton(SearchOptions options, Vocabulary vocabulary) {
        List<SearchOptions.Hotword> list = options.hotwords();
        String[] phrases = new String[list.size()];
        double[] boosts = new double[list.size()];
        for (int i = 0; i < phrases.length; i++) {
            SearchOptions.Hotword h = list.get(i);
            phrases[i] = vocabulary.normalize(h.phrase(), "hotword");
            if (phrases[i].isEmpty()) {
                throw new IllegalArgumentException("hotword '" + h.phrase() + "' is empty");
            }
            boosts[i] = h.boost().orElse(options.hotwordBoost());
        }
        return new HotwordAutomaton(phrases, boosts);
    }


    /** The text of the empty prefix. */
    PrefixText start() {
        return start;
    }

    /**
     * Tries {@code from} followed by {@code token}, into the scratch {@code to}.
     *
     * @param lmNext the search's buffer for the model's next state
     * @return false when the lexicon or the grammar forbids the extension
     */
    boolean step(PrefixText from, int token, PrefixText to, long[] lmNext) {
        to.copy(from);
        switch (vocabulary.kind(token)) {
            case CONTROL -> {
                return true;
            }
            case WORD_START -> {
                if (!closeWord(from, to, lmNext)) {
                    return false;
                }
                to.wordOpen = true;
            }
            case CONTINUATION -> {
                if (!from.wordOpen) {
                    if (!closeWord(from, to, lmNext)) {
                        return false;
                    }
                    to.wordOpen = true;
                }
            }
            case CJK, UNKNOWN -> {
                if (!closeWord(from, to, lmNext)) {
                    return false;
                }
                to.wordOpen = false;
            }
        }
        to.changed = true;
        if (!append(to, token)) {
            return false;
        }
        to.context = contextOf(to);
        return true;
    }

    /**
     * What the beam adds to a finished prefix's CTC log-probability for its final ranking, or NaN when the prefix
     * cannot end here (see the class comment).
     */
    double finish(PrefixText text, long[] lmNext) {
        double score = text.wordScore;
        long state = text.lmState;
        if (!text.word.isEmpty()) {
            close(text, lmNext);
            if (!text.closeAllowed) {
                return Double.NaN;
            }
            score += text.closeScore;
            state = text.closedLmState;
        }
        if (grammar != null && grammar.value(text.grammarNode) == CharTrie.NONE) {
            return Double.NaN;
        }
        if (lm != null) {
            score += alpha * lm.endScore(state);
        }
        return score + text.hotwordScore;
    }

    private double contextOf(PrefixText text) {
        return text.wordScore + text.hotwordScore + (hotwords == null ? 0 : hotwords.partial(text.hotwordState));
    }

    /** Completes {@code from}'s word, if it has one, in {@code to}; false when the lexicon does not allow it. */
    private boolean closeWord(PrefixText from, PrefixText to, long[] lmNext) {
        if (from.word.isEmpty()) {
            return true;
        }
        close(from, lmNext);
        if (!from.closeAllowed) {
            return false;
        }
        to.word = "";
        to.lexiconNode = CharTrie.ROOT;
        to.words = from.words + 1;
        to.lmState = from.closedLmState;
        to.wordScore = from.wordScore + from.closeScore;
        return true;
    }

    /** Works out, once, what completing {@code text}'s word gives. */
    private void close(PrefixText text, long[] lmNext) {
        if (text.closeKnown) {
            return;
        }
        int id;
        if (lexicon != null) {
            id = lexicon.value(text.lexiconNode);
            text.closeAllowed = id != CharTrie.NONE;
        } else {
            id = lm == null ? NgramModel.UNKNOWN_WORD : lm.wordId(text.word);
            text.closeAllowed = true;
        }
        text.closeScore = beta;
        text.closedLmState = text.lmState;
        if (lm != null && text.closeAllowed) {
            float logProb = lm.score(text.lmState, id, lmNext);
            text.closeScore = alpha * logProb + beta + (id == NgramModel.UNKNOWN_WORD ? unknownWordPenalty : 0);
            text.closedLmState = lmNext[0];
        }
        text.closeKnown = true;
    }

    /**
     * Adds {@code token}'s characters to {@code to}'s word, and to the text the automata read (after a space when
     * they start a word that is not the first, unless two CJK characters meet).
     */
    private boolean append(PrefixText to, int token) {
        String piece = vocabulary.text(token);
        if (piece.isEmpty()) {
            return true;
        }
        if (to.word.isEmpty() && to.words > 0 && !(to.endsCjk && vocabulary.startsCjk(token))
                && !read(to, Vocabulary.SPACE)) {
            return false;
        }
        for (int i = 0; i < piece.length(); i++) {
            char c = piece.charAt(i);
            if (lexicon != null) {
                to.lexiconNode = lexicon.child(to.lexiconNode, c);
                if (to.lexiconNode == CharTrie.NONE) {
                    return false;
                }
            }
            if (!read(to, c)) {
                return false;
            }
        }
        to.endsCjk = vocabulary.endsCjk(token);
        to.appended = piece;
        return true;
    }

    /** One character of text through the grammar and the hotwords; false when it leaves the grammar. */
    private boolean read(PrefixText to, char c) {
        if (grammar != null) {
            to.grammarNode = grammar.child(to.grammarNode, c);
            if (to.grammarNode == CharTrie.NONE) {
                return false;
            }
        }
        if (hotwords != null) {
            to.hotwordState = hotwords.next(to.hotwordState, c);
            to.hotwordScore += hotwords.completed(to.hotwordState);
        }
        return true;
    }
}
