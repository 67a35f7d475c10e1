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
        List<TimedWord> words = WordAssembler.words(tokens);
        return new DecodedText(WordAssembler.text(words), words, tokens);
    }
}
