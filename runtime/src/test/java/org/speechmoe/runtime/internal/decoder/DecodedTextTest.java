package org.speechmoe.runtime.internal.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecodedTextTest {
    private static final double EPS = 1e-9;
    private static final FrameTiming TIMING = new FrameTiming(0.010, 0.025, 4, 7);
    private static final List<String> PIECES = List.of("<blank>", "<unk>", "▁hello", "▁wor", "ld", "▁", "语", "音",
            "ab", "<sos/eos>");

    /** Tokens of {@code ids} one after another, token i on frames 2i..2i+1 with probability 0.9 - 0.1 i. */
    private static DecodedText decoded(int... ids) {
        List<EmittedToken> emitted = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            emitted.add(new EmittedToken(ids[i], 2 * i, 2 * i + 1, 0.9f - 0.1f * i));
        }
        return DecodedText.of(emitted, PIECES, TIMING, 100);
    }

    @Test
    void piecesWithTheMarkStartWords() {
        DecodedText t = decoded(2, 3, 4);
        assertEquals("hello world", t.text());
        TimedWord hello = t.words().get(0);
        TimedWord world = t.words().get(1);
        assertEquals("hello", hello.text());
        assertEquals(TIMING.time(0), hello.start(), EPS);
        assertEquals(TIMING.time(1) + 0.04, hello.end(), EPS);
        assertEquals(0.9f, hello.confidence());
        assertEquals("world", world.text());
        assertEquals(TIMING.time(2), world.start(), EPS);
        assertEquals(TIMING.time(5) + 0.04, world.end(), EPS);
        assertEquals(0.7f, world.confidence(), 1e-6f, "the weakest piece");
        assertEquals(List.of("▁hello", "▁wor", "ld"), t.tokens().stream().map(TimedToken::text).toList());
    }

    @Test
    void aLeadingContinuationStartsAWord() {
        assertEquals("ld hello", decoded(4, 2).text());
    }

    @Test
    void controlTokensAreDroppedAndUnknownIsAWordOfItsOwn() {
        DecodedText t = decoded(9, 3, 1, 4, 0);
        assertEquals("wor <unk> ld", t.text());
        assertEquals(List.of(3, 1, 4), t.tokens().stream().map(TimedToken::id).toList());
        assertEquals(TIMING.time(2), t.words().getFirst().start(), EPS, "times of the tokens that are kept");
    }

    @Test
    void cjkCharactersAreWordsAndLatinPiecesJoin() {
        assertEquals("语 音 ab hello", decoded(6, 7, 8, 2).text());
        assertEquals("hello 语 ab", decoded(2, 6, 8).text(), "a CJK word ends the word before it");
        assertEquals("abab 语", decoded(8, 8, 6).text());
    }

    @Test
    void aLoneMarkOnlySeparates() {
        assertEquals("hello ld", decoded(2, 5, 4).text());
        assertEquals("hello", decoded(2, 5).text());
    }

    @Test
    void nothingDecodedIsEmptyText() {
        DecodedText t = decoded();
        assertEquals("", t.text());
        assertEquals(List.of(), t.words());
    }

    @Test
    void wordsWorkOnTokensDirectly() {
        List<TimedWord> words = WordAssembler.words(List.of(new TimedToken(6, "▁a", 0.1, 0.2, 0.5f),
                new TimedToken(7, "<eos>", 0.2, 0.3, 0.9f), new TimedToken(8, "b", 0.3, 0.4, 0.25f)));
        assertEquals(List.of(new TimedWord("ab", 0.1, 0.4, 0.25f)), words);
    }
}
