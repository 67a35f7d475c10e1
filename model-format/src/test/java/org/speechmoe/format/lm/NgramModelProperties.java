package org.speechmoe.format.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random small ARPA models, written to .smlm files and mapped back: every word of random sentences (with unknown
 * words) scores as the textbook back-off recursion on the ARPA text says, and the file scores as the model it was
 * written from.
 */
class NgramModelProperties {
    private static Path dir;

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("smlm-properties");
    }

    @AfterContainer
    static void removeDir() throws IOException {
        LmTesting.deleteDirectory(dir);
    }

    @Property(tries = 200, seed = "20240611")
    void scoresAreTheTextbookBackOff(@ForAll long seed) throws IOException {
        Random random = new Random(seed);
        RandomArpa arpa = new RandomArpa(random);
        ArpaReference reference = new ArpaReference(arpa.text);
        BackoffModel built = LmTesting.read(arpa.text);
        Path file = dir.resolve("random.smlm");
        SmlmWriter.write(built, file);
        try (SmlmFile lm = SmlmFile.open(file)) {
            assertEquals(arpa.order, lm.order());
            for (int k = 0; k < 4; k++) {
                List<String> sentence = arpa.sentence(random);
                List<Double> expected = reference.sentence(sentence);
                List<Double> actual = LmTesting.sentence(lm, sentence);
                double expectedTotal = 0;
                double actualTotal = 0;
                double magnitude = 0;
                for (int i = 0; i < expected.size(); i++) {
                    assertEquals(expected.get(i), actual.get(i), tolerance(Math.abs(expected.get(i))),
                            sentence + " word " + i + " in\n" + arpa.text);
                    expectedTotal += expected.get(i);
                    actualTotal += actual.get(i);
                    magnitude += Math.abs(expected.get(i));
                }
                assertEquals(expectedTotal, actualTotal, tolerance(magnitude), sentence.toString());
                assertEquals(actual, LmTesting.sentence(built, sentence));
            }
        }
    }

    /**
     * 1e-5, or the rounding of scores of this magnitude to the float that {@link NgramModel#score} returns where that
     * is more: an added {@code <unk>} scores -100 (log10), whose float has a resolution of some 1e-5.
     */
    private static double tolerance(double magnitude) {
        return 1e-5 + 2e-7 * magnitude;
    }
}
