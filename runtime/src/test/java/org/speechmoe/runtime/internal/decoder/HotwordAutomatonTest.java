package org.speechmoe.runtime.internal.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HotwordAutomatonTest {
    private static final double EPS = 1e-12;
    /** The default model's kind of vocabulary: word-initial and inner lowercase letters. */
    private static final List<String> LETTERS = letters();

    static List<String> letters() {
        List<String> pieces = new ArrayList<>(List.of("<blank>", "<unk>"));
        for (char c = 'a'; c <= 'z'; c++) {
            pieces.add("▁" + c);
        }
        pieces.add("▁'");
        for (char c = 'a'; c <= 'z'; c++) {
            pieces.add(String.valueOf(c));
        }
        pieces.add("'");
        pieces.add("<sos/eos>");
        return List.copyOf(pieces);
    }

    /** What a prefix that spelled {@code text} (as the automata read it) earns: completed plus partial. */
    private static double[] earned(HotwordAutomaton a, String text) {
        int state = a.start();
        double completed = 0;
        for (char c : text.toCharArray()) {
            state = a.next(state, c);
            completed += a.completed(state);
        }
        return new double[] {completed, a.partial(state)};
    }

    private static HotwordAutomaton automaton(double boost, String... phrases) {
        double[] boosts = new double[phrases.length];
        Arrays.fill(boosts, boost);
        return new HotwordAutomaton(phrases, boosts);
    }

    @Test
    void eachMatchedCharacterEarnsTheBoostAndAFailedMatchGivesItBack() {
        HotwordAutomaton a = automaton(1, "cat");
        assertEquals(0, earned(a, "")[1], EPS);
        assertEquals(2, earned(a, "ca")[1], EPS, "partial bonus on the way");
        assertEquals(0, earned(a, "cab")[0] + earned(a, "cab")[1], EPS, "taken back when the match fails");
        assertEquals(3, earned(a, "cat")[0], EPS, "a full match keeps its bonus");
        assertEquals(0, earned(a, "cat")[1], EPS, "and has no partial left");
        assertEquals(3, earned(a, "cat dog")[0] + earned(a, "cat dog")[1], EPS);
    }

    @Test
    void aPhraseMatchesAgainAndOverlappingPhrasesBothCount() {
        assertEquals(6, earned(automaton(1, "cat"), "cat the cat")[0], EPS, "restarts after a full match");
        HotwordAutomaton nested = automaton(1, "new", "new york");
        assertEquals(3 + 8, earned(nested, "new york")[0], EPS, "both occurrences");
        double[] newYak = earned(nested, "new yak");
        assertEquals(3, newYak[0] + newYak[1], EPS, "the longer one's extra characters are given back");
        double[] newY = earned(nested, "new y");
        assertEquals(3, newY[0], EPS);
        assertEquals(2, newY[1], EPS, "partial beyond the completed shorter phrase");
    }

    @Test
    void aPhraseMatchesOnlyWhereAWordStartsButMayEndInsideOne() {
        HotwordAutomaton a = automaton(1, "cat");
        assertEquals(0, earned(a, "concatenate")[0] + earned(a, "concatenate")[1], EPS);
        assertEquals(3, earned(a, "cats")[0], EPS);
        assertEquals(3, earned(a, "the cats")[0], EPS);
        HotwordAutomaton cjk = automaton(1, "好");
        assertEquals(1, earned(cjk, "你好")[0], EPS, "a CJK character starts a word wherever it is");
    }

    @Test
    void wherePhrasesShareABeginningItEarnsTheLargestBoost() {
        HotwordAutomaton a = new HotwordAutomaton(new String[] {"cab", "cat"}, new double[] {1, 3});
        assertEquals(6, earned(a, "ca")[1], EPS);
        assertEquals(6 + 1, earned(a, "cab")[0], EPS);
        assertEquals(9, earned(a, "cat")[0], EPS);
    }

    @Test
    void zeroBoostEarnsExactlyNothing() {
        HotwordAutomaton a = automaton(0, "cat", "cat dog", "at");
        for (String text : List.of("", "ca", "cat", "cat do", "cat dog", "at", "a cat")) {
            double[] e = earned(a, text);
            assertEquals(0.0, e[0]);
            assertEquals(0.0, e[1]);
        }
    }

    @Test
    void phrasesAreWrittenAsTheVocabularySpellsAndRefusedWhenItCannot() {
        Vocabulary letters = new Vocabulary(LETTERS);
        assertEquals("new york", letters.normalize("  New\tYORK ", "hotword"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> letters.normalize("café", "hotword"));
        assertEquals("hotword 'café' has characters the vocabulary cannot spell: é", e.getMessage());
        Vocabulary cjk = new Vocabulary(List.of("<blank>", "你", "好", "▁hello", "▁W"));
        assertEquals("你好 hello", cjk.normalize("你 好hello", "hotword"));
        assertEquals("hello W", cjk.normalize("hello W", "hotword"), "both cases: kept as written");
        assertThrows(IllegalArgumentException.class, () -> new BeamDecoder(SearchOptions.builder(4)
                .hotwords(List.of(SearchOptions.Hotword.of("naïve")), 1).build(), LETTERS));
        assertThrows(IllegalArgumentException.class, () -> new BeamDecoder(SearchOptions.builder(4)
                .hotwords(List.of(SearchOptions.Hotword.of("  ")), 1).build(), LETTERS));
    }

    /**
     * "kat" is heard a little better than "cat"; a hotword turns it round, and a zero boost changes nothing. (No
     * control piece in the vocabulary, so that one label sequence spells each text.)
     */
    @Test
    void aBoostMakesAPhraseWinThatLosesWithoutIt() {
        List<String> pieces = LETTERS.subList(0, LETTERS.size() - 1);
        LogProbs heard = Utterances.over(pieces).blanks(1).frame(Map.of("▁k", 0.55, "▁c", 0.40))
                .says(0.9, "a", "t").blanks(1).logProbs();
        SearchOptions plain = SearchOptions.builder(8).alternatives(2).build();
        SearchResult without = new BeamDecoder(plain, pieces).decode(heard);
        assertEquals(List.of("kat", "cat"), without.alternatives().stream().map(SearchResult.Alternative::text)
                .toList());
        SearchOptions boosted = SearchOptions.builder(8).alternatives(2)
                .hotwords(List.of(SearchOptions.Hotword.of("Cat")), 0.2).build();
        SearchResult with = new BeamDecoder(boosted, pieces).decode(heard);
        assertEquals("cat", with.text());
        SearchResult.Alternative cat = with.alternatives().getFirst();
        assertEquals(cat.acousticScore() + 3 * 0.2, cat.score(), 1e-12, "exactly the bonus of its 3 characters");
        assertTrue(cat.confidence() > 0.5);
        SearchResult zero = new BeamDecoder(SearchOptions.builder(8).alternatives(2)
                .hotwords(List.of(SearchOptions.Hotword.of("cat")), 0).build(), pieces).decode(heard);
        assertEquals(without, zero);
    }
}
