package org.speechmoe.runtime.internal.decoder;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * A vocabulary's pieces as text: what each token adds to the text a label sequence spells ({@link PieceKind}'s
 * rules), and how a phrase someone types (a hotword, a grammar entry) is written so that it compares with that text.
 *
 * <p>The text the hotword and grammar automata read is the transcript's text (words joined by single spaces) with
 * one change: no space between two CJK characters. The transcript spaces every CJK character, since each is a word of
 * its own, but nobody writes Chinese or Japanese that way; so "你好" and "你 好" are the same phrase, and a phrase
 * "你好world" is read as "你好 world", since a CJK piece always starts a word.
 *
 * <p>A phrase is normalized to that text: its case is folded to the vocabulary's when the vocabulary has one case
 * only (lowercase for the default model), runs of white space become one space, ends are trimmed, and CJK characters
 * are spaced as above. A phrase with a character that no piece spells is refused.
 */
final class Vocabulary {
    static final char SPACE = ' ';

    private final List<String> pieces;
    /** As {@link PieceKind#of}, except that a piece spelling nothing (other than a lone word mark) is CONTROL. */
    private final PieceKind[] kinds;
    /** The characters a piece adds, word mark removed. */
    private final String[] texts;
    private final boolean[] startsCjk;
    private final boolean[] endsCjk;
    private final BitSet spellable = new BitSet();
    private final boolean lowercaseOnly;
    private final boolean uppercaseOnly;

    Vocabulary(List<String> pieces) {
        this.pieces = List.copyOf(pieces);
        int size = pieces.size();
        kinds = new PieceKind[size];
        texts = new String[size];
        startsCjk = new boolean[size];
        endsCjk = new boolean[size];
        boolean lower = false;
        boolean upper = false;
        for (int v = 0; v < size; v++) {
            String piece = pieces.get(v);
            PieceKind kind = PieceKind.of(piece);
            String text = switch (kind) {
                case CONTROL -> "";
                case WORD_START -> piece.substring(1);
                case UNKNOWN, CJK, CONTINUATION -> piece;
            };
            kinds[v] = text.isEmpty() && kind != PieceKind.WORD_START ? PieceKind.CONTROL : kind;
            texts[v] = text;
            if (!text.isEmpty()) {
                startsCjk[v] = PieceKind.isCjk(text.codePointAt(0));
                endsCjk[v] = PieceKind.isCjk(text.codePointBefore(text.length()));
            }
            if (kind != PieceKind.UNKNOWN) {
                for (int i = 0; i < text.length(); i++) {
                    char c = text.charAt(i);
                    spellable.set(c);
                    lower |= Character.isLowerCase(c);
                    upper |= Character.isUpperCase(c);
                }
            }
        }
        lowercaseOnly = lower && !upper;
        uppercaseOnly = upper && !lower;
    }

    int size() {
        return kinds.length;
    }

    PieceKind kind(int token) {
        return kinds[token];
    }

    String text(int token) {
        return texts[token];
    }

    boolean startsCjk(int token) {
        return startsCjk[token];
    }

    boolean endsCjk(int token) {
        return endsCjk[token];
    }

    /**
     * The transcript text of a token sequence: its words, joined by single spaces as {@link WordAssembler} does (which
     * wants timed tokens; times do not change the text).
     */
    String spell(List<EmittedToken> tokens) {
        List<TimedToken> timed = new ArrayList<>(tokens.size());
        for (EmittedToken e : tokens) {
            timed.add(new TimedToken(e.id(), pieces.get(e.id()), 0, 0, e.probability()));
        }
        return WordAssembler.text(WordAssembler.words(timed));
    }

    /**
     * {@code phrase} as the automata read text (see the class comment).
     *
     * @param role what the phrase is, for the message when it is refused
     * @throws IllegalArgumentException when a character of the phrase is in no piece
     */
    String normalize(String phrase, String role) {
        String folded = lowercaseOnly ? phrase.toLowerCase(Locale.ROOT)
                : uppercaseOnly ? phrase.toUpperCase(Locale.ROOT) : phrase;
        StringBuilder out = new StringBuilder(folded.length());
        StringBuilder unspellable = new StringBuilder();
        boolean spaceBefore = false;
        boolean previousCjk = false;
        for (int i = 0; i < folded.length(); i += Character.charCount(folded.codePointAt(i))) {
            int cp = folded.codePointAt(i);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                spaceBefore = true;
                continue;
            }
            boolean cjk = PieceKind.isCjk(cp);
            if (!out.isEmpty() && (spaceBefore || cjk != previousCjk) && !(cjk && previousCjk)) {
                out.append(SPACE);
            }
            out.appendCodePoint(cp);
            for (char c : Character.toChars(cp)) {
                if (!spellable.get(c) && unspellable.indexOf(String.valueOf(c)) < 0) {
                    unspellable.append(c);
                }
            }
            spaceBefore = false;
            previousCjk = cjk;
        }
        if (!unspellable.isEmpty()) {
            throw new IllegalArgumentException(role + " '" + phrase + "' has characters the vocabulary cannot spell: "
                    + unspellable);
        }
        return out.toString();
    }
}
