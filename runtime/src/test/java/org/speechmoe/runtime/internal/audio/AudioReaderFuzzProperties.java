package org.speechmoe.runtime.internal.audio;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Damaged FLAC, MP3, AIFF, AU and Ogg Vorbis files (the fixtures cut short, with bytes flipped in their first 256
 * bytes, where the headers are): each ends in a result or in an {@link IOException} with a one-line message, never
 * another exception and never a hang. Seeded, and bounded to a few seconds.
 */
class AudioReaderFuzzProperties {
    private static final String[] FIXTURES = {"vowels.flac", "vowels.mp3", "vowels.aiff", "vowels.au", "vowels.ogg",
        "vowels-ulaw.wav"};

    record Damage(String fixture, int length, int[] at, byte[] xor) {
    }

    @Property(tries = 300, seed = "20260415")
    void damagedHeadersEndInAResultOrOneLine(@ForAll("damage") Damage d) {
        byte[] bytes = damaged(d);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            try {
                Samples s = AudioReader.read(new ByteArrayInputStream(bytes), "fuzz");
                assertTrue(s.samples().length > 0);
            } catch (IOException e) {
                String m = e.getMessage();
                assertTrue(m != null && m.startsWith("fuzz: "), String.valueOf(m));
                assertFalse(m.contains("\n") || m.contains("\r"), m);
            }
        }, () -> d.fixture() + " cut to " + d.length() + " with flips at " + Arrays.toString(d.at()));
    }

    @Provide
    Arbitrary<Damage> damage() {
        Arbitrary<String> fixture = Arbitraries.of(FIXTURES);
        Arbitrary<Integer> cut = Arbitraries.integers().between(0, 100).map(p -> p); // percent kept, 100 = whole
        Arbitrary<int[]> at = Arbitraries.integers().between(0, 255).array(int[].class).ofMinSize(0).ofMaxSize(4);
        Arbitrary<byte[]> xor = Arbitraries.bytes().filter(b -> b != 0).array(byte[].class).ofSize(4);
        return Combinators.combine(fixture, cut, at, xor).as((f, c, a, x) -> {
            int n = fixture(f).length;
            return new Damage(f, c >= 90 ? n : (int) ((long) n * c / 100), a, x);
        });
    }

    private static byte[] damaged(Damage d) {
        byte[] b = Arrays.copyOf(fixture(d.fixture()), d.length());
        for (int i = 0; i < d.at().length; i++) {
            if (d.at()[i] < b.length) {
                b[d.at()[i]] ^= d.xor()[i];
            }
        }
        return b;
    }

    private static byte[] fixture(String name) {
        try {
            return Files.readAllBytes(AudioReaderTest.fixture(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
