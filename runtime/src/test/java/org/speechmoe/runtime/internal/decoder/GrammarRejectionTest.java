package org.speechmoe.runtime.internal.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The grammar's rejection rule on constructed two-second commands (50 frames): the cases that set
 * {@link GrammarRejection#DEFAULT_THRESHOLD}. Spoken characters peak at 0.9 on one frame each, the other pieces
 * sharing the rest (about 0.0018 each), blanks elsewhere at 0.98; forcing a character the model did not hear then
 * costs ln(0.9 / 0.0018) = 6.2 nats.
 */
class GrammarRejectionTest {
    private static final List<String> LETTERS = HotwordAutomatonTest.letters();
    private static final List<String> GRAMMAR = List.of("call mom", "call dad", "stop");
    private static final int FRAMES = 50;

    private static LogProbs command(Utterances words) {
        LogProbs partial = words.logProbs();
        return words.blanks(FRAMES - partial.frames()).logProbs();
    }

    private static Utterances heard(String... words) {
        Utterances u = Utterances.over(LETTERS).blanks(10);
        for (String w : words) {
            u.says(0.9, Utterances.letters(w));
        }
        return u;
    }

    private static SearchResult decode(LogProbs logProbs, List<String> grammar) {
        return new BeamDecoder(SearchOptions.builder(8).grammar(grammar).build(), LETTERS).decode(logProbs);
    }

    private static double gap(LogProbs logProbs, SearchResult accepted) {
        return GrammarRejection.gapPerFrame(logProbs, accepted.alternatives().getFirst().tokens());
    }

    @Test
    void aPhraseHeardWithTwoUnsureCharactersIsAccepted() {
        Utterances u = heard("ca").frame(Map.of("l", 0.3, "r", 0.6)).says(0.9, "l", "▁m")
                .frame(Map.of("o", 0.3, "u", 0.6)).says(0.9, "m");
        LogProbs logProbs = command(u);
        SearchResult result = decode(logProbs, GRAMMAR);
        assertEquals("call mom", result.text());
        assertEquals(2 * Math.log(2) / FRAMES, gap(logProbs, result), 1e-6);
    }

    @Test
    void oneConfidentlyWrongCharacterIsToleratedTwoAreNot() {
        LogProbs mop = command(heard("call", "mop"));
        SearchResult oneWrong = decode(mop, GRAMMAR);
        assertEquals("call mom", oneWrong.text());
        double perCharacter = gap(mop, oneWrong) * FRAMES;
        assertEquals(Math.log(0.9 / (0.1 / 56)), perCharacter, 0.01);
        assertTrue(perCharacter / FRAMES < GrammarRejection.DEFAULT_THRESHOLD);
        assertTrue(2 * perCharacter / FRAMES > GrammarRejection.DEFAULT_THRESHOLD);
    }

    @Test
    void anotherWordOfTheSameLengthIsRejected() {
        LogProbs bob = command(heard("call", "bob"));
        assertTrue(decode(bob, GRAMMAR).rejected());
        SearchResult lenient = new BeamDecoder(SearchOptions.builder(8).grammar(GRAMMAR)
                .rejectionThreshold(Double.POSITIVE_INFINITY).build(), LETTERS).decode(bob);
        assertEquals("call mom", lenient.text(), "the closest phrase, when nothing is rejected");
        assertTrue(gap(bob, lenient) > 0.24);
        assertEquals("call bob", new BeamDecoder(SearchOptions.builder(8).build(), LETTERS).decode(bob).text());
    }

    @Test
    void silenceIsRejectedUnlessTheGrammarListsTheEmptyPhrase() {
        LogProbs silence = Utterances.over(LETTERS).blanks(FRAMES).logProbs();
        assertTrue(decode(silence, GRAMMAR).rejected());
        SearchResult empty = decode(silence, List.of("call mom", ""));
        assertEquals("", empty.text());
        assertTrue(!empty.rejected() && empty.alternatives().getFirst().confidence() > 0.99);
    }

    @Test
    void aGrammarPhraseTheVocabularyCannotSpellIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> decode(Utterances.over(LETTERS).blanks(1).logProbs(), List.of("call mom", "call 911")));
        assertEquals("grammar phrase 'call 911' has characters the vocabulary cannot spell: 91", e.getMessage());
    }
}
