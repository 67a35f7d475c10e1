package org.speechmoe.format.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speechmoe.format.ModelFormatException;

/** What the ARPA import accepts, as toolkits write it, and what it refuses, naming the line. */
class ArpaReaderTest {
    /** A bigram model; line 1 is {@code \data\}, the unigrams are lines 6 to 10, the bigrams 13 to 15. */
    static final String GOOD = """
            \\data\\
            ngram 1=5
            ngram 2=3

            \\1-grams:
            -1.0\t<s>\t-0.5
            -0.5\t</s>
            -0.7\ta\t-0.3
            -0.9\tb\t-0.2
            -2.0\t<unk>

            \\2-grams:
            -0.3\t<s> a
            -0.4\ta b
            -0.2\tb </s>

            \\end\\
            """;

    @TempDir
    Path dir;

    private static String refusal(String arpa) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> LmTesting.read(arpa));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("test.arpa"), e.getMessage());
        return e.getMessage();
    }

    private static void assertRefused(String arpa, int line, String words) {
        String m = refusal(arpa);
        assertTrue(m.startsWith("test.arpa:" + line + ": "), "line " + line + ": " + m);
        assertTrue(m.contains(words), "'" + words + "' in: " + m);
    }

    /** GOOD with line {@code number} (from 1) replaced by {@code text}, or removed when text is null. */
    private static String withLine(int number, String text) {
        List<String> lines = new ArrayList<>(Arrays.asList(GOOD.split("\n", -1)));
        if (text == null) {
            lines.remove(number - 1);
        } else {
            lines.set(number - 1, text);
        }
        return String.join("\n", lines);
    }

    @Test
    void theGoodModelReads() throws IOException {
        BackoffModel m = LmTesting.read(GOOD);
        assertEquals(2, m.order());
        assertArrayEquals(new long[] {5, 3}, m.counts());
        assertEquals(List.of("<unk>", "<s>", "</s>", "a", "b"),
                IntStream.range(0, 5).mapToObj(m::word).toList());
        assertFalse(m.metadata().getBoolean("lm.unk_added"));
        assertEquals(List.of(-0.3, -0.4, -0.2), LmTesting.sentence(m, List.of("a", "b")).stream()
                .map(d -> Math.round(d * 1e6) / 1e6).toList());
    }

    @Test
    void countsMustBeDeclaredInOrderOnceAndHeld() {
        assertRefused(withLine(3, "ngram 2=4"), 17, "declares 4 2-grams, the section before this line holds 3");
        assertRefused(withLine(3, "ngram 2=2"), 15, "more 2-grams than the 2");
        assertRefused(withLine(2, "ngram 1=6"), 12, "declares 6 1-grams");
        assertRefused(withLine(3, "ngram 1=5"), 3, "ngram 1 is declared twice");
        assertRefused(withLine(3, "ngram 3=3"), 3, "ngram 3 is declared before ngram 2");
        assertRefused(withLine(2, "ngram 0=5"), 2, "orders start at 1");
        assertRefused(withLine(2, "ngrams 1=5"), 2, "expected 'ngram N=count'");
        assertRefused(withLine(2, "ngram 1=2000000000"), 2, "too big for the .smlm format");
        assertRefused(withLine(3, "ngram 2=3000000000"), 3, "too many for the .smlm format");
        assertRefused(withLine(2, "ngram 1=0"), 2, "a model needs unigrams");
        assertRefused("\\data\\\n\n\\1-grams:\n", 3, "declares no n-gram counts");
        String orders = GOOD.replace("ngram 2=3\n", "ngram 2=3\nngram 3=1\n");
        assertRefused(orders, 18, "\\end\\ comes before the 3-grams");
        StringBuilder deep = new StringBuilder("\\data\\\n");
        for (int n = 1; n <= 17; n++) {
            deep.append("ngram ").append(n).append("=1\n");
        }
        assertRefused(deep.toString(), 18, "order 17");
    }

    @Test
    void sectionsMustComeInOrder() {
        assertRefused(withLine(12, "\\3-grams:"), 12, "expected \\2-grams:, found '\\3-grams:'");
        assertRefused(GOOD.replace("\\end\\", "\\3-grams:\n-1\t<s> a b\n\\end\\"), 17,
                "a section of an order that \\data\\ does not declare");
        assertRefused(GOOD.replace("\\end\\", "\\the end\\"), 17, "expected \\end\\");
        assertRefused(GOOD.replace("\\end\\\n", ""), 16, "the file ends in the 2-grams section, before \\end\\");
        assertEquals("test.arpa: no \\data\\ line: not an ARPA language model", refusal("# no model here\n"));
        assertEquals("test.arpa: no \\data\\ line: not an ARPA language model", refusal(""));
    }

    @Test
    void linesMustHoldAProbabilityTheWordsAndMaybeABackOffWeight() {
        assertRefused(withLine(13, "-0.3\ta"), 13, "a 2-gram line holds a log10 probability, 2 words");
        assertRefused(withLine(13, "-0.3\t<s> a b c"), 13, "5 fields are not that");
        assertRefused(withLine(13, "-0.3\t<s> a b c d e f"), 13, "8 fields are not that");
        assertRefused(withLine(13, "-0.3\t<s> a b"), 13, "the back-off weight 'b' is not a decimal number");
        assertRefused(withLine(8, "0.5\ta\t-0.3"), 8, "the log10 probability 0.5 is above 0");
        assertRefused(withLine(8, "1e-50\ta\t-0.3"), 8, "is above 0");
        assertRefused(withLine(8, "nan\ta\t-0.3"), 8, "the log10 probability 'nan' is not a decimal number");
        assertRefused(withLine(8, "NaN\ta\t-0.3"), 8, "not a decimal number");
        assertRefused(withLine(8, "-0.7\ta\tInfinity"), 8, "the back-off weight 'Infinity' is not a decimal number");
        assertRefused(withLine(8, "-0.7\ta\t-inf"), 8, "the back-off weight '-inf' is not a decimal number");
        assertRefused(withLine(8, "-0.7\ta\t1e39"), 8, "the back-off weight 1e39 is out of range");
        assertRefused(withLine(8, "-0x1p3\ta"), 8, "not a decimal number");
        assertRefused(withLine(8, "-.\ta"), 8, "not a decimal number");
        assertRefused(withLine(8, "-1e\ta"), 8, "not a decimal number");
    }

    @Test
    void ngramsMustBeUniqueAndTheirWordsAndContextsKnown() {
        assertRefused(withLine(9, "-0.9\ta"), 9, "duplicate 1-gram 'a' (also on line 8)");
        assertRefused(withLine(15, "-0.2\ta b"), 15, "duplicate 2-gram (the same words as on line 14)");
        assertRefused(withLine(14, "-0.4\ta c"), 14, "'c' is not among the 1-grams");
        assertRefused(withLine(14, "-0.4\tA b"), 14, "'A' is not among the 1-grams");
        String trigram = GOOD.replace("ngram 2=3", "ngram 2=3\nngram 3=1").replace("\\end\\",
                "\\3-grams:\n-0.1\ta </s> b\n\\end\\");
        assertRefused(trigram, 19, "the context of this 3-gram, its first 2 words, is not among the 2-grams");
    }

    @Test
    void theSentenceMarkersAreRequired() {
        assertRefused(withLine(6, "-1.0\ts\t-0.5").replace("<s> a", "s a"), 12, "have no <s>");
        assertRefused(withLine(7, "-0.5\t/s").replace("b </s>", "b /s"), 12, "have no </s>");
    }

    @Test
    void aMissingUnkIsAddedWithKenLmsProbability() throws IOException {
        BackoffModel m = LmTesting.read(withLine(10, null).replace("ngram 1=5", "ngram 1=4"));
        assertTrue(m.metadata().getBoolean("lm.unk_added"));
        assertEquals(5, m.vocabularySize());
        assertEquals("<unk>", m.word(NgramModel.UNKNOWN_WORD));
        long[] next = new long[1];
        assertEquals(-100 * LmTesting.LN_10, m.score(BackoffModel.state(0, 0), NgramModel.UNKNOWN_WORD, next), 1e-3);
        // after <s>, an unknown word backs off: bo(<s>) + p(<unk>)
        assertEquals((-0.5 - 100) * LmTesting.LN_10, m.score(m.startState(), m.wordId("zzz"), next), 1e-3);
    }

    @Test
    void linesAreBoundedAndUtf8() {
        String longLine = withLine(8, "-0.7\t" + "a".repeat(ArpaReader.MAX_LINE_BYTES) + "\t-0.3");
        assertRefused(longLine, 8, "the line is longer than 65536 bytes");
        byte[] latin1 = withLine(8, "-0.7\tcafé\t-0.3").getBytes(StandardCharsets.ISO_8859_1);
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> ArpaReader.read(new ByteArrayInputStream(latin1), "test.arpa", "test.arpa"));
        assertEquals("test.arpa:8: the line is not UTF-8 text", e.getMessage());
    }

    /**
     * Spaces or tabs anywhere, CR LF, comments before \data\ and text after \end\, IRSTLM's tab after '=', a byte
     * order mark.
     */
    @Test
    void layoutsOfRealToolkitsRead() throws IOException {
        String spaced = "Made by a toolkit.\r\n\\data\\\r\nngram 1=\t5\r\nngram  2 = 3\r\n\\1-grams:\r\n"
                + "-1.0 <s> -0.5\r\n  -0.5   </s>  \r\n-0.7 a -0.3\r\n-0.9\t\tb  -0.2\r\n-2.0 <unk>\r\n"
                + "\\2-grams:\r\n-0.3 <s>\ta\r\n-0.4 a  b\r\n\r\n\r\n-0.2 b </s> 0.0\r\n\\end\\\r\ntrailing text\r\n";
        BackoffModel a = LmTesting.read(spaced);
        BackoffModel b = LmTesting.read(GOOD);
        BackoffModel marked = LmTesting.read("\uFEFF" + GOOD);
        for (List<String> s : List.<List<String>>of(List.of("a", "b"), List.of("b", "a", "x"), List.of())) {
            assertEquals(LmTesting.sentence(b, s), LmTesting.sentence(a, s), s.toString());
            assertEquals(LmTesting.sentence(b, s), LmTesting.sentence(marked, s), s.toString());
        }
    }

    @Test
    void logZeroAndPositiveBackOffWeightsAreNumbers() throws IOException {
        BackoffModel m = LmTesting.read(withLine(9, "-99\tb\t0.25").replace("-2.0\t<unk>", "-inf\t<unk>"));
        long[] next = new long[1];
        assertEquals(-99 * LmTesting.LN_10, m.score(BackoffModel.state(0, 0), m.wordId("b"), next), 1e-3);
        assertEquals(Float.NEGATIVE_INFINITY, m.score(m.startState(), NgramModel.UNKNOWN_WORD, next));
        // b then </s>: the bigram "b </s>" is there
        assertEquals(-0.2 * LmTesting.LN_10, m.endScore(BackoffModel.state(1, m.wordId("b"))), 1e-5);
        // b then a: no bigram, so bo(b) + p(a), with the positive back-off weight
        assertEquals((0.25 - 0.7) * LmTesting.LN_10, m.score(BackoffModel.state(1, m.wordId("b")), m.wordId("a"), next),
                1e-5);
    }

    @Test
    void aMissingSuffixIsAllowedAndAnEmptyOrderReads() throws IOException {
        // "<s> a </s>" is there but "a </s>" is not: fine for back-off
        String trigram = GOOD.replace("ngram 2=3", "ngram 2=3\nngram 3=1").replace("\\end\\",
                "\\3-grams:\n-0.1\t<s> a </s>\n\\end\\");
        BackoffModel m = LmTesting.read(trigram);
        ArpaReference reference = new ArpaReference(trigram);
        for (List<String> s : List.of(List.of("a"), List.of("b", "a"), List.of("a", "a"))) {
            List<Double> expected = reference.sentence(s);
            List<Double> actual = LmTesting.sentence(m, s);
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i), actual.get(i), 1e-6, s + " " + i);
            }
        }
        assertEquals(-0.1, LmTesting.sentence(m, List.of("a")).get(1), 1e-6);
        BackoffModel empty = LmTesting.read(GOOD.replace("ngram 2=3", "ngram 2=3\nngram 3=0").replace("\\end\\",
                "\\3-grams:\n\\end\\"));
        assertArrayEquals(new long[] {5, 3, 0}, empty.counts());
        assertEquals(LmTesting.sentence(LmTesting.read(GOOD), List.of("a", "b")),
                LmTesting.sentence(empty, List.of("a", "b")));
    }

    @Test
    void gzipIsReadByItsMagicAndADamagedStreamRefused() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(GOOD.getBytes(StandardCharsets.UTF_8));
        }
        Path file = dir.resolve("model.arpa"); // no .gz: the content decides
        Files.write(file, bytes.toByteArray());
        BackoffModel m = ArpaReader.read(file);
        assertEquals("model.arpa", m.metadata().getString("lm.source"));
        assertEquals(LmTesting.sentence(LmTesting.read(GOOD), List.of("a", "b")),
                LmTesting.sentence(m, List.of("a", "b")));

        byte[] cut = Arrays.copyOf(bytes.toByteArray(), bytes.size() - 20);
        Path damaged = Files.write(dir.resolve("cut.arpa.gz"), cut);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ArpaReader.read(damaged));
        assertTrue(e.getMessage().startsWith(damaged + ": the gzip stream is damaged or cut short"), e.getMessage());

        assertThrows(ModelFormatException.class, () -> ArpaReader.read(dir));
    }
}
