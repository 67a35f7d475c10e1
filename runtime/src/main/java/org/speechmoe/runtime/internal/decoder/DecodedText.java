package org.speechmoe.runtime.internal.decoder;

import java.util.ArrayList;
import java.util.List;

/**
 * A decoded token sequence as text, words and timed tokens: the decoder's part of an {@code api.Transcript}.
 * {@code tokens} holds every decoded token except control tokens (see {@link PieceKind}); {@code text} is the words
 * separated by single spaces.
 */
public record DecodedText(String text, List<TimedWord> words, List<TimedToken> tokens) {
    public DecodedText {
        words = List.copyOf(words);
        tokens = List.copyOf(tokens);
    }

    /**
     * @param pieces   the vocabulary, piece of token id {@code i} at index {@code i}
     * @param duration seconds of audio decoded, the limit of every time
     */
    public static DecodedText of(List<EmittedToken> emitted, List<String> pieces, FrameTiming timing,
                                double duration) {
        List<TimedToken> tokens = new ArrayList<>(emitted.size());
        for (EmittedToken e : emitted) {
            String piece = pieces.get(e.id());
            if (PieceKind.of(piece) != PieceKind.CONTROL) {
                tokens.add(new TimedToken(e.id(), piece, timing.start(e.firstFrame(), duration),
                        timing.end(e.lastFrame(), duration), e.probability()));
            }
        }
        return ofTokens(tokens);
    }

    /** The words and text of timed tokens. */
    public static DecodedText ofTokens(List<TimedToken> tokens) {
        List<TimedWord> words = WordAssembler.words(tokens);
        return new DecodedText(WordAssembler.text(words), words, tokens);
    }

    /**
     * The segments of a recording, one after the other: a segment starts a new word whatever its first piece (a cut
     * falls in a pause, or is forced where each side keeps the words it sees start).
     */
    public static DecodedText join(List<DecodedText> segments) {
        if (segments.size() == 1) {
            return segments.getFirst();
        }
        List<TimedWord> words = new ArrayList<>();
        List<TimedToken> tokens = new ArrayList<>();
        for (DecodedText s : segments) {
            words.addAll(s.words());
            tokens.addAll(s.tokens());
        }
        return new DecodedText(WordAssembler.text(words), words, tokens);
    }
}
