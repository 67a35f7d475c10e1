package org.speechmoe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.speechmoe.runtime.api.Word;

/** The cue builder on made-up words. */
class CuesTest {
    private static final Cues.Rules RULES = Cues.Rules.DEFAULT;

    private static Word w(String text, double start, double end) {
        return new Word(text, start, end, 0.9f);
    }

    /** Words of {@code text}, each {@code each} seconds long, back to back from {@code start}. */
    private static List<Word> run(String text, double start, double each) {
        List<Word> words = new ArrayList<>();
        double t = start;
        for (String s : text.split(" ")) {
            words.add(w(s, t, t + each));
            t += each;
        }
        return words;
    }

    private static String allText(List<Cues.Cue> cues) {
        return String.join(" ", cues.stream().map(c -> String.join(" ", c.lines())).toList());
    }

    @Test
    void noWordsNoCues() {
        assertEquals(List.of(), Cues.build(List.of(), RULES));
    }

    @Test
    void aPauseOfHalfASecondStartsACue() {
        List<Word> words = List.of(w("hello", 0.10, 0.40), w("there", 0.89, 1.20), w("again", 1.70, 2.00));
        List<Cues.Cue> cues = Cues.build(words, RULES);
        // 0.49 s before "there" keeps it in the cue; exactly 0.5 s before "again" starts another
        assertEquals(2, cues.size());
        assertEquals(List.of("hello there"), cues.get(0).lines());
        assertEquals(0.10, cues.get(0).start());
        assertEquals(1.20, cues.get(0).end());
        assertEquals(new Cues.Cue(1.70, 2.00, List.of("again")), cues.get(1));
    }

    @Test
    void textWrapsIntoAtMostTwoEvenLinesOf42Characters() {
        String text = "the quick brown fox jumps over the lazy dog and then it runs far away into the dark "
                + "forest where nobody will ever find it again because the trees are tall and dense";
        List<Cues.Cue> cues = Cues.build(run(text, 0, 0.05), RULES);
        assertTrue(cues.size() >= 2, cues.toString());
        for (Cues.Cue c : cues) {
            assertTrue(c.lines().size() <= 2, c.toString());
            c.lines().forEach(l -> assertTrue(l.length() <= 42, l));
            if (c.lines().size() == 2) {
                assertTrue(Math.abs(c.lines().get(0).length() - c.lines().get(1).length()) <= 10, c.toString());
            }
        }
        assertEquals(text, allText(cues));
        // the first cue is full: the next word would have needed a third line
        Cues.Cue first = cues.getFirst();
        String firstText = String.join(" ", first.lines());
        String nextWord = text.substring(firstText.length() + 1).split(" ")[0];
        assertEquals(3, Cues.wrap(List.of((firstText + " " + nextWord).split(" ")), 42).size());
    }

    @Test
    void aShortCueStaysOnOneLine() {
        List<Cues.Cue> cues = Cues.build(run("just a few words here", 1, 0.2), RULES);
        assertEquals(1, cues.size());
        assertEquals(List.of("just a few words here"), cues.getFirst().lines());
    }

    @Test
    void noCueLastsOverSevenSeconds() {
        List<Word> words = run("a ".repeat(50).strip(), 0, 0.4);
        List<Cues.Cue> cues = Cues.build(words, RULES);
        for (Cues.Cue c : cues) {
            assertTrue(c.end() - c.start() <= 7.0 + 1e-9, c.toString());
        }
        assertEquals(3, cues.size());
        assertEquals(0.0, cues.get(0).start());
        assertEquals(6.8, cues.get(1).start(), 1e-9);
        assertEquals(20.0, cues.get(2).end(), 1e-9);
    }

    @Test
    void anOverlongWordGetsACueOfItsOwn() {
        String longWord = "x".repeat(50);
        List<Word> words = List.of(w("before", 0, 0.2), w(longWord, 0.2, 0.6), w("after", 0.6, 0.8),
                w("slow", 1.0, 9.5), w("end", 9.5, 9.7));
        List<Cues.Cue> cues = Cues.build(words, RULES);
        assertEquals(List.of(List.of("before"), List.of(longWord), List.of("after"), List.of("slow"),
                List.of("end")), cues.stream().map(Cues.Cue::lines).toList());
    }

    @Test
    void cuesNeverOverlapEvenWhenWordsTouchWithinRounding() {
        List<Word> words = List.of(w("a".repeat(40), 0, 1.0000001), w("b".repeat(40), 1.0, 2.0000001),
                w("c".repeat(40), 2.0, 3.0));
        List<Cues.Cue> cues = Cues.build(words, RULES);
        assertEquals(2, cues.size());
        assertTrue(cues.get(0).end() <= cues.get(1).start());
    }

    @Test
    void wrappingAndBalancing() {
        List<String> words = List.of("aaaa", "bbbb", "cccc", "dddd", "eeee");
        assertEquals(List.of("aaaa bbbb", "cccc dddd", "eeee"), Cues.wrap(words, 10));
        assertEquals(List.of("aaaa bbbb cccc dddd", "eeee"), Cues.wrap(words, 20));
        assertEquals(List.of("aaaa bbbb cccc", "dddd eeee"), Cues.balance(words, 20));
        assertEquals(List.of("aaaa bbbb cccc dddd eeee"), Cues.balance(words, 24));
        assertEquals(List.of("x".repeat(12), "y"), Cues.wrap(List.of("x".repeat(12), "y"), 10));
        assertEquals(List.of(), Cues.wrap(List.of(), 10));
    }
}
