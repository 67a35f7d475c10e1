package org.speechmoe.format.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed trigram model (testdata/lm/small.arpa) through import, writing and the mapped reader. */
class SmallModelTest {
    @TempDir
    static Path dir;
    static String arpa;
    static Path smlm;

    @BeforeAll
    static void convert() throws IOException {
        arpa = Files.readString(LmTesting.SMALL_ARPA);
        smlm = dir.resolve("small.smlm");
        SmlmWriter.write(ArpaReader.read(LmTesting.SMALL_ARPA), smlm);
    }

    @Test
    void headerCountsAndVocabulary() throws IOException {
        try (SmlmFile lm = SmlmFile.open(smlm)) {
            assertEquals("1.0", lm.version());
            assertEquals(3, lm.order());
            assertArrayEquals(new long[] {28, 56, 63}, lm.counts());
            assertEquals(28, lm.vocabularySize());
            assertEquals("<unk>", lm.word(NgramModel.UNKNOWN_WORD));
            assertEquals("small.arpa", lm.metadata().getString("lm.source"));
            assertFalse(lm.metadata().getBoolean("lm.unk_added"));
            for (int id = 0; id < lm.vocabularySize(); id++) {
                assertEquals(id, lm.wordId(lm.word(id)), lm.word(id));
            }
            assertNotEquals(lm.wordId("the"), lm.wordId("The"), "words are case-sensitive");
            assertEquals("café", lm.word(lm.wordId("café")));
            assertEquals("naïve", lm.word(lm.wordId(new StringBuilder("naïve"))));
            assertEquals(NgramModel.UNKNOWN_WORD, lm.wordId("zebra"));
            assertEquals(NgramModel.UNKNOWN_WORD, lm.wordId("cafe"));
            assertEquals(NgramModel.UNKNOWN_WORD, lm.wordId(""));
            assertEquals(NgramModel.UNKNOWN_WORD, lm.wordId("the\ud800"), "a lone surrogate is no word");
            assertEquals(lm.fileSize(), Files.size(smlm));
            assertEquals(List.of(), lm.verifyAll());
        }
    }

    /** Values worked out by hand from the lines of small.arpa. */
    @Test
    void scoresFollowTheBackOffRule() throws IOException {
        try (SmlmFile lm = SmlmFile.open(smlm)) {
            List<Double> s = LmTesting.sentence(lm, List.of("the", "cat", "sat"));
            assertEquals(-0.338819, s.get(0), 1e-6); // <s> the
            assertEquals(-0.602060, s.get(1), 1e-6); // <s> the cat
            assertEquals(-0.778151, s.get(2), 1e-6); // the cat sat
            assertEquals(0.124939 - 0.564736 - 0.868721, s.get(3), 1e-6); // bo(cat sat) + bo(sat) + p(</s>)

            List<Double> unknown = LmTesting.sentence(lm, List.of("the", "zebra"));
            assertEquals(-0.146128 - 0.477121 - 0.815476, unknown.get(1), 1e-6); // bo(<s> the) + bo(the) + p(<unk>)
            assertEquals(-0.868721, unknown.get(2), 1e-6); // <unk> has no back-off weight: p(</s>)
        }
    }

    @Test
    void statesAreTheLongestSuffixesInTheModel() throws IOException {
        try (SmlmFile lm = SmlmFile.open(smlm)) {
            long[] next = new long[1];
            assertEquals(BackoffModel.state(1, lm.wordId("<s>")), lm.startState());
            lm.score(lm.startState(), lm.wordId("the"), next);
            assertEquals(2, BackoffModel.length(next[0]), "<s> the");
            lm.score(next[0], lm.wordId("cat"), next);
            long theCat = next[0];
            assertEquals(2, BackoffModel.length(theCat), "the cat: a trigram, so its suffix");
            lm.score(BackoffModel.state(1, lm.wordId("the")), lm.wordId("cat"), next);
            assertEquals(theCat, next[0], "the same context reached another way is the same state");
            lm.score(theCat, NgramModel.UNKNOWN_WORD, next);
            assertEquals(BackoffModel.state(1, NgramModel.UNKNOWN_WORD), next[0], "nothing but <unk> remains");
            assertEquals(lm.endScore(theCat), lm.score(theCat, lm.wordId("</s>"), next));
        }
    }

    @Test
    void everyContextIsAProbabilityDistribution() throws IOException {
        try (SmlmFile lm = SmlmFile.open(smlm)) {
            int start = lm.wordId("<s>");
            long[] next = new long[1];
            for (int n = 1; n < lm.order(); n++) {
                for (int i = 0; i < lm.counts()[n - 1]; i++) {
                    long state = BackoffModel.state(n, i);
                    double sum = 0;
                    for (int w = 0; w < lm.vocabularySize(); w++) {
                        sum += w == start ? 0 : Math.exp(lm.score(state, w, next));
                    }
                    assertEquals(1, sum, 1e-4, BackoffModel.describe(state));
                }
            }
        }
    }

    @Test
    void sentencesScoreAsTheTextbookRecursionOnTheArpaText() throws IOException {
        ArpaReference reference = new ArpaReference(arpa);
        BackoffModel inMemory = ArpaReader.read(LmTesting.SMALL_ARPA);
        List<List<String>> sentences = List.of(List.of(), List.of("the", "cat", "sat", "on", "the", "mat"),
                List.of("a", "bird", "saw", "The", "café", "on", "sunday"), List.of("zebra", "zebra", "the"),
                List.of("it", "is", "warm", "in", "the", "naïve", "café"), List.of("</s>", "<s>", "cat"));
        try (SmlmFile lm = SmlmFile.open(smlm)) {
            for (List<String> s : sentences) {
                List<Double> expected = reference.sentence(s);
                List<Double> mapped = LmTesting.sentence(lm, s);
                for (int i = 0; i < expected.size(); i++) {
                    assertEquals(expected.get(i), mapped.get(i), 1e-5, s + " word " + i);
                }
                assertEquals(mapped, LmTesting.sentence(inMemory, s),
                        "the file scores as the model it was written from");
            }
        }
    }

    @Test
    void threadsShareOneFile() throws Exception {
        ArpaReference reference = new ArpaReference(arpa);
        List<String> words = List.of("the", "cat", "sat", "on", "a", "mat", "zebra", "café", "is", "open");
        try (SmlmFile lm = SmlmFile.open(smlm); var pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long seed = t;
                runs.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    for (int k = 0; k < 200; k++) {
                        List<String> s = random.ints(random.nextInt(8), 0, words.size()).mapToObj(words::get).toList();
                        List<Double> expected = reference.sentence(s);
                        List<Double> actual = LmTesting.sentence(lm, s);
                        for (int i = 0; i < expected.size(); i++) {
                            assertEquals(expected.get(i), actual.get(i), 1e-5, s.toString());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        }
    }

    @Test
    void theSameModelGivesTheSameBytesAndAMappedModelRewritesItself() throws IOException {
        Path again = dir.resolve("again.smlm");
        SmlmWriter.write(ArpaReader.read(LmTesting.SMALL_ARPA), again);
        assertArrayEquals(Files.readAllBytes(smlm), Files.readAllBytes(again));
        Path copy = dir.resolve("copy.smlm");
        try (SmlmFile lm = SmlmFile.open(smlm)) {
            SmlmWriter.write(lm.model(), copy);
        }
        assertArrayEquals(Files.readAllBytes(smlm), Files.readAllBytes(copy));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".partial")));
        }
    }

    @Test
    void wrongQueriesAreRefusedAndAClosedFileCannotBeQueried() throws IOException {
        SmlmFile lm = SmlmFile.open(smlm);
        long[] next = new long[1];
        assertThrows(IllegalArgumentException.class, () -> lm.score(lm.startState(), lm.vocabularySize(), next));
        assertThrows(IllegalArgumentException.class, () -> lm.score(lm.startState(), -1, next));
        assertThrows(IllegalArgumentException.class, () -> lm.score(BackoffModel.state(3, 0), 1, next));
        assertThrows(IllegalArgumentException.class, () -> lm.score(BackoffModel.state(2, 56), 1, next));
        assertThrows(IllegalArgumentException.class, () -> lm.endScore(BackoffModel.state(0, 1)));
        assertThrows(IllegalArgumentException.class, () -> lm.endScore(-1));
        assertThrows(IllegalArgumentException.class, () -> lm.word(28));
        lm.close();
        lm.close();
        assertThrows(IllegalStateException.class, () -> lm.score(lm.startState(), 1, next));
    }

    @Test
    void lookupsAllocateNothing() throws IOException {
        try (SmlmFile lm = SmlmFile.open(smlm)) {
            String[] words = {"the", "café", "naïve", "zebra", "The", "sunday"};
            long[] next = new long[1];
            int sum = 0;
            for (int i = 0; i < 20_000; i++) { // warm-up, so that the measured loop runs compiled
                sum += lm.wordId(words[i % words.length]);
                sum += (int) lm.score(lm.startState(), i % lm.vocabularySize(), next);
            }
            long before = Allocations.current();
            for (int i = 0; i < 100_000; i++) {
                sum += lm.wordId(words[i % words.length]);
                sum += (int) lm.score(next[0], i % lm.vocabularySize(), next);
            }
            long allocated = Allocations.current() - before;
            assertTrue(allocated < 64 * 1024, allocated + " bytes allocated by 200000 queries (" + sum + ")");
        }
    }

    @Test
    void theFileStartsWithItsMagicAndVersion() throws IOException {
        byte[] b = Files.readAllBytes(smlm);
        assertEquals("SMLM\r\n\u001a\n\u0001\u0000\u0000\u0000", new String(b, 0, 12, StandardCharsets.ISO_8859_1));
    }
}
