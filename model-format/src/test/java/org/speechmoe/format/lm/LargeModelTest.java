package org.speechmoe.format.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model of some megabytes opens, checks itself fully and answers from the mapping with almost no heap. */
class LargeModelTest {
    private static final int WORDS = 8_000;

    @TempDir
    Path dir;

    /** A trigram model whose every word has ten continuations, and every bigram one or two. */
    static String arpa() {
        Random random = new Random(7);
        StringBuilder uni = new StringBuilder();
        StringBuilder bi = new StringBuilder();
        StringBuilder tri = new StringBuilder();
        int bigrams = 0;
        int trigrams = 0;
        for (int i = 0; i < WORDS; i++) {
            String w = i == 0 ? "<unk>" : i == 1 ? "<s>" : i == 2 ? "</s>" : "w" + i;
            uni.append(log10(10_000 + random.nextInt(40_000))).append('\t').append(w).append('\t')
                    .append(log10(random.nextInt(10_000))).append('\n');
            if (i == 2) {
                continue;
            }
            for (int k = 0; k < 10; k++) {
                String v = "w" + (3 + (i * 31 + k * 997) % (WORDS - 3));
                bi.append(log10(random.nextInt(30_000))).append('\t').append(w).append(' ').append(v).append('\t')
                        .append(log10(random.nextInt(10_000))).append('\n');
                bigrams++;
                for (int t = 0; t <= k % 2; t++) {
                    tri.append(log10(random.nextInt(20_000))).append('\t').append(w).append(' ').append(v)
                            .append(" w").append(3 + (i + 7 * k + 13 * t) % (WORDS - 3)).append('\n');
                    trigrams++;
                }
            }
        }
        return "\\data\\\nngram 1=" + WORDS + "\nngram 2=" + bigrams + "\nngram 3=" + trigrams + "\n\n\\1-grams:\n"
                + uni + "\n\\2-grams:\n" + bi + "\n\\3-grams:\n" + tri + "\n\\end\\\n";
    }

    /** Minus {@code tenThousandths} / 10000, with four decimals. */
    private static String log10(int tenThousandths) {
        String digits = Integer.toString(10_000 + tenThousandths % 10_000);
        return "-" + tenThousandths / 10_000 + "." + digits.substring(1);
    }

    @Test
    void opensWithAFewKilobytesOfHeap() throws IOException {
        String arpa = arpa();
        Path smlm = LmTesting.convert(arpa, dir, "large.smlm");
        assertTrue(Files.size(smlm) > 3_000_000, Files.size(smlm) + " bytes");
        for (int warm = 0; warm < 2; warm++) { // the first open loads classes
            SmlmFile.open(smlm).close();
        }
        long before = Allocations.current();
        try (SmlmFile lm = SmlmFile.open(smlm)) {
            long allocated = Allocations.current() - before;
            assertTrue(allocated < 256 * 1024, "opening and checking " + Files.size(smlm) + " bytes allocated "
                    + allocated + " bytes");
            ArpaReference reference = new ArpaReference(arpa);
            List<String> sentence = List.of("w3", "w100", "w5", "nothing", "w19999", "w77");
            List<Double> expected = reference.sentence(sentence);
            List<Double> actual = LmTesting.sentence(lm, sentence);
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i), actual.get(i), 1e-5, "word " + i);
            }
        }
    }
}
