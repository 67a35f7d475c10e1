package org.speechmoe.runtime.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.speechmoe.format.ModelFormatException;
import org.speechmoe.runtime.ReferenceFixtures;

/**
 * Seeded random damage to a good model (flipped bytes anywhere, with or without checksums made right again, cuts,
 * metadata values): opening and transcribing ends in a one-line refusal, or in text, never in another exception; and
 * without checksums made right again, never in text other than the intact model's.
 */
class DamagedModelProperties {
    private static Path dir;
    private static Path good;
    private static byte[] bytes;
    private static String expected;

    record Damage(int offset, int mask, boolean rechecksum, int cut) {
    }

    @BeforeContainer
    static void setUp() throws IOException {
        dir = Files.createTempDirectory("speechmoe-damage");
        good = DamagedModelTest.good();
        bytes = Files.readAllBytes(good);
        expected = transcribe(good);
    }

    @AfterContainer
    static void tearDown() throws IOException {
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    private static String transcribe(Path model) throws IOException {
        try (SpeechMoeModel m = SpeechMoeModel.open(model); Recognizer r = m.newRecognizer(
                RecognizerOptions.defaults().withThreads(1))) {
            return r.transcribe(ReferenceFixtures.wav("vowels")).text();
        }
    }

    @Provide
    Arbitrary<Damage> damage() {
        return Combinators.combine(Arbitraries.integers().between(0, bytes.length - 1),
                Arbitraries.integers().between(1, 255), Arbitraries.of(false, true),
                Arbitraries.integers().between(0, 4)).as((o, m, r, c) -> new Damage(o, m, r,
                c == 0 ? o : bytes.length));
    }

    @Property(tries = 40, seed = "15", maxDiscardRatio = 1)
    void damageIsRefusedOrHarmless(@ForAll("damage") Damage d) throws IOException {
        byte[] b = Arrays.copyOf(bytes, d.cut());
        if (d.offset() < b.length) {
            b[d.offset()] ^= (byte) d.mask();
        }
        Path p = Files.write(dir.resolve("damaged.smoe"), b);
        if (d.rechecksum() && d.cut() == bytes.length) {
            try {
                p = DamagedModels.rechecksummed(p, dir.resolve("rechecked.smoe"));
            } catch (ModelFormatException e) {
                // the damage broke the header: refused before anything could be rewritten
                return;
            }
        }
        String text;
        try {
            text = transcribe(p);
        } catch (ModelFormatException e) {
            assertTrue(e.getMessage().startsWith(p.toString()) && !e.getMessage().contains("\n"), e.getMessage());
            return;
        } catch (IOException | UncheckedIOException e) {
            fail("not a model format refusal: " + e);
            return;
        }
        if (!d.rechecksum()) {
            assertEquals(expected, text, "damage that no checksum caught changed the text: " + d);
        }
    }
}
