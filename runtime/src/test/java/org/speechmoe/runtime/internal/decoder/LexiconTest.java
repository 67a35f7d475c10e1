package org.speechmoe.runtime.internal.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.speechmoe.format.lm.NgramModel;

class LexiconTest {
    private static final List<String> LETTERS = HotwordAutomatonTest.letters();

    @Test
    void aTrieFindsEveryKeyAndNoOtherString() {
        String[] keys = {"b", "ab", "a", "abc", "", "ab", "语音"};
        int[] values = {0, 1, 2, 3, 4, 5, 6};
        CharTrie trie = CharTrie.of(keys, values);
        assertEquals(1 + 6, trie.nodes(), "root, a, ab, abc, b, 语, 语音");
        assertEquals(0, trie.value(trie.walk(CharTrie.ROOT, "b")));
        assertEquals(2, trie.value(trie.walk(CharTrie.ROOT, "a")));
        assertEquals(3, trie.value(trie.walk(CharTrie.ROOT, "abc")));
        assertEquals(4, trie.value(CharTrie.ROOT));
        assertEquals(6, trie.value(trie.walk(CharTrie.ROOT, "语音")));
        assertTrue(Set.of(1, 5).contains(trie.value(trie.walk(CharTrie.ROOT, "ab"))), "a repeated key keeps one");
        assertEquals(CharTrie.NONE, trie.value(trie.walk(CharTrie.ROOT, "语")), "a beginning only");
        assertEquals(CharTrie.NONE, trie.walk(CharTrie.ROOT, "ac"));
        assertEquals(CharTrie.NONE, trie.walk(CharTrie.ROOT, "abcd"));
        assertEquals(CharTrie.NONE, trie.child(CharTrie.ROOT, 'c'));
    }

    @Test
    void theLexiconHoldsTheModelsWordsButNotItsMarkers() {
        TrigramTestModel lm = TrigramTestModel.random(List.of("cat", "cats", "dog"), 1, 0, 0);
        CharTrie lexicon = Lexicon.of(lm);
        assertSame(lexicon, Lexicon.of(lm), "built once per model");
        for (String word : List.of("cat", "cats", "dog")) {
            assertEquals(lm.wordId(word), lexicon.value(lexicon.walk(CharTrie.ROOT, word)));
        }
        for (String marker : List.of("<unk>", "<s>", "</s>")) {
            assertEquals(CharTrie.NONE, lexicon.walk(CharTrie.ROOT, marker));
        }
    }

    /** Another word is heard a little better; only the known one is allowed. */
    @Test
    void underTheConstraintOnlyKnownWordsAreSpelled() {
        LogProbs heard = Utterances.over(LETTERS).blanks(1).frame(Map.of("▁k", 0.55, "▁c", 0.40))
                .says(0.9, "a", "t").blanks(1).logProbs();
        TrigramTestModel lm = TrigramTestModel.random(List.of("cat", "dog"), 2, 0, 0);
        SearchOptions.Builder options = SearchOptions.builder(8).languageModel(lm, 0, 0);
        assertEquals("kat", new BeamDecoder(options.build(), LETTERS).decode(heard).text());
        assertEquals("cat", new BeamDecoder(options.lexiconConstrained(true).build(), LETTERS).decode(heard).text());
    }

    /** Two hundred thousand words of 2 to 14 letters: the size of a large ARPA model's vocabulary. */
    @Test
    void aLargeVocabularyBuildsQuickly() {
        Random random = new Random(7);
        Set<String> words = new LinkedHashSet<>();
        while (words.size() < 200_000) {
            char[] w = new char[2 + random.nextInt(13)];
            for (int i = 0; i < w.length; i++) {
                w[i] = (char) ('a' + random.nextInt(26));
            }
            words.add(new String(w));
        }
        NgramModel lm = TrigramTestModel.random(new ArrayList<>(words), 3, 0, 0);
        Lexicon.build(lm);
        long start = System.nanoTime();
        CharTrie lexicon = Lexicon.build(lm);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("lexicon of %d words, %d nodes: built in %.0f ms%n", words.size(), lexicon.nodes(),
                seconds * 1e3);
        assertTrue(seconds < 2, "took " + seconds + " s");
        for (String word : words) {
            assertEquals(lm.wordId(word), lexicon.value(lexicon.walk(CharTrie.ROOT, word)), word);
        }
    }
}
