package org.speechmoe.runtime.internal.decoder;

import java.util.ArrayList;
import java.util.List;

/** Joins tokens into words as {@link PieceKind} describes; a word spans its tokens' times. */
public final class WordAssembler {
    private WordAssembler() {
    }

    /** The words of {@code tokens}; control tokens are skipped. */
    public static List<TimedWord> words(List<TimedToken> tokens) {
        List<TimedWord> words = new ArrayList<>();
        WordBuilder open = null;
        for (TimedToken token : tokens) {
            switch (PieceKind.of(token.text())) {
                case CONTROL -> {
                }
                case WORD_START -> {
                    close(open, words);
                    open = new WordBuilder(token.text().substring(1), token);
                }
                case CONTINUATION -> {
                    if (open == null) {
                        open = new WordBuilder(token.text(), token);
                    } else {
                        open.append(token);
                    }
                }
                case UNKNOWN, CJK -> {
                    close(open, words);
                    open = null;
                    close(new WordBuilder(token.text(), token), words);
                }
            }
        }
        close(open, words);
        return words;
    }

    /** Words separated by single spaces. */
    public static String text(List<TimedWord> words) {
        return String.join(" ", words.stream().map(TimedWord::text).toList());
    }

    /** A lone {@code ▁} piece opens a word with no text; if nothing follows it, there is no word. */
    private static void close(WordBuilder word, List<TimedWord> words) {
        if (word != null && !word.text.isEmpty()) {
            words.add(new TimedWord(word.text.toString(), word.start, word.end, word.confidence));
        }
    }

    private static final class WordBuilder {
        final StringBuilder text;
        final double start;
        double end;
        float confidence;

        WordBuilder(String text, TimedToken first) {
            this.text = new StringBuilder(text);
            start = first.start();
            end = first.end();
            confidence = first.probability();
        }

        void append(TimedToken token) {
            text.append(token.text());
            end = token.end();
            confidence = Math.min(confidence, token.probability());
        }
    }
}
