package org.speechmoe.runtime.internal.decoder;

/**
 * What a vocabulary piece does to the words of a transcript. The rules, in order:
 * <ol>
 * <li>{@code <unk>} is kept, as a word of its own: it stands for speech the vocabulary cannot spell, and showing it
 *     tells the reader something was said there.</li>
 * <li>Any other piece in angle brackets ({@code <blank>}, {@code <sos/eos>}, {@code <noise>}, ...) is a control
 *     token and is dropped.</li>
 * <li>A piece starting with {@code ▁} (U+2581) starts a new word; the mark is not part of the text.</li>
 * <li>A piece made only of Chinese or Japanese characters (Han, Hiragana, Katakana) is a word of its own, since
 *     those scripts do not separate words and a character is the unit one can time and score.</li>
 * <li>Any other piece continues the current word, or starts one when there is none (first piece, or after a
 *     {@code <unk>} or CJK word). So a character vocabulary without {@code ▁} gives one word per CJK character and
 *     joins runs of Latin letters.</li>
 * </ol>
 */
enum PieceKind {
    UNKNOWN,
    CONTROL,
    WORD_START,
    CJK,
    CONTINUATION;

    static final String UNKNOWN_PIECE = "<unk>";
    static final char WORD_MARK = '\u2581';

    static PieceKind of(String piece) {
        if (piece.equals(UNKNOWN_PIECE)) {
            return UNKNOWN;
        }
        if (piece.length() > 2 && piece.startsWith("<") && piece.endsWith(">")) {
            return CONTROL;
        }
        if (!piece.isEmpty() && piece.charAt(0) == WORD_MARK) {
            return WORD_START;
        }
        if (!piece.isEmpty() && piece.codePoints().allMatch(PieceKind::isCjk)) {
            return CJK;
        }
        return CONTINUATION;
    }

    static boolean isCjk(int codePoint) {
        Character.UnicodeScript script = Character.UnicodeScript.of(codePoint);
        return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA;
    }
}
