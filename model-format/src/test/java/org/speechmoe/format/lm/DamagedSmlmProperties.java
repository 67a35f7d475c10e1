package org.speechmoe.format.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.speechmoe.format.ModelFormatException;

/**
 * Seeded random damage to a small .smlm file: cuts, and flipped bytes with or without the checksums made right again.
 * Opening and querying ends in a one-line refusal or in answers, never in another exception or a hang. The answers
 * are those of the intact file unless the checksums were made right again over a flip in what the model says (its
 * words' text, word ids, child ranges, probabilities, back-off weights): such a file is another valid model, and its
 * answers need only be well-formed. A flip made checksum-right in the header, the directory, the metadata, the
 * vocabulary's counts, offsets and hash table, or a back-off link is a structural change, which the checks at open
 * must catch.
 */
class DamagedSmlmProperties {
    private static Path dir;
    private static byte[] bytes;
    private static List<Object> intact;
    private static final List<long[]> STRUCTURE = new ArrayList<>();

    record Damage(int offset, int mask, boolean reseal, int cut) {
    }

    @BeforeContainer
    static void setUp() throws IOException {
        dir = Files.createTempDirectory("smlm-damage");
        Path good = dir.resolve("good.smlm");
        SmlmWriter.write(ArpaReader.read(LmTesting.SMALL_ARPA), good);
        bytes = Files.readAllBytes(good);
        try (SmlmFile lm = SmlmFile.open(good)) {
            intact = DamagedSmlmTest.behaviour(lm);
            List<SmlmFile.Section> s = lm.sections();
            STRUCTURE.add(new long[] {0, s.getFirst().offset() + s.getFirst().length()});
            long vocabulary = s.get(1).offset();
            int words = lm.vocabularySize();
            long slots = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt((int) vocabulary);
            STRUCTURE.add(new long[] {vocabulary, vocabulary + 8 + 4L * (words + 1) + 4 * slots});
            long bigrams = s.get(3).offset();
            STRUCTURE.add(new long[] {bigrams, bigrams + 8 * lm.counts()[1]});
        }
    }

    @AfterContainer
    static void tearDown() throws IOException {
        LmTesting.deleteDirectory(dir);
    }

    @Provide
    Arbitrary<Damage> damage() {
        return Combinators.combine(Arbitraries.integers().between(0, bytes.length - 1),
                Arbitraries.integers().between(1, 255), Arbitraries.of(false, true),
                Arbitraries.integers().between(0, 4))
                .as((o, m, r, c) -> new Damage(o, m, r, c == 0 ? o : bytes.length));
    }

    @Property(tries = 400, seed = "1606")
    void damageIsRefusedOrHarmless(@ForAll("damage") Damage d) throws IOException {
        byte[] b = Arrays.copyOf(bytes, d.cut());
        if (d.offset() < b.length) {
            b[d.offset()] ^= (byte) d.mask();
        }
        boolean resealed = d.reseal() && d.cut() == bytes.length;
        Path p = Files.write(dir.resolve("damaged.smlm"), resealed ? Reseal.of(b) : b);
        Object outcome = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try (SmlmFile lm = SmlmFile.open(p)) {
                return DamagedSmlmTest.behaviour(lm);
            } catch (ModelFormatException e) {
                return e;
            }
        });
        if (outcome instanceof ModelFormatException e) {
            assertTrue(e.getMessage().startsWith(p.toString()) && !e.getMessage().contains("\n"), e.getMessage());
            return;
        }
        List<?> answers = (List<?>) outcome;
        boolean structural = STRUCTURE.stream().anyMatch(r -> r[0] <= d.offset() && d.offset() < r[1]);
        if (!resealed || structural) {
            assertEquals(intact, answers, "damage the checks let through changed the answers: " + d);
        } else {
            assertWellFormed(answers);
        }
    }

    private static void assertWellFormed(Object answer) {
        switch (answer) {
            case List<?> list -> list.forEach(DamagedSmlmProperties::assertWellFormed);
            case Double score -> assertFalse(score.isNaN(), "a NaN score");
            default -> { }
        }
    }
}
