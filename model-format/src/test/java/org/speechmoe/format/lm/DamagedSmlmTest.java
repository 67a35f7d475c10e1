package org.speechmoe.format.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speechmoe.format.ModelFormatException;

/** Every kind of damage to an .smlm file is refused at open with one line naming it, or changes nothing. */
class DamagedSmlmTest {
    @TempDir
    Path dir;
    byte[] good;
    List<SmlmFile.Section> sections;
    List<Object> behaviour;

    @BeforeEach
    void writeGoodFile() throws IOException {
        Path p = dir.resolve("good.smlm");
        SmlmWriter.write(ArpaReader.read(LmTesting.SMALL_ARPA), p);
        good = Files.readAllBytes(p);
        try (SmlmFile lm = SmlmFile.open(p)) {
            sections = lm.sections();
            behaviour = behaviour(lm);
        }
    }

    /** What queries on the model answer: every word, then the scores of sentences that reach every order. */
    static List<Object> behaviour(NgramModel lm) {
        List<Object> b = new ArrayList<>();
        for (int id = 0; id < lm.vocabularySize(); id++) {
            b.add(lm.word(id));
            b.add(lm.wordId(lm.word(id)));
        }
        for (List<String> s : List.<List<String>>of(List.of("the", "cat", "sat", "on", "the", "mat"),
                List.of("zebra", "a", "dog"), List.of("a", "bird", "is", "on", "the", "café", "on", "sunday"),
                List.of())) {
            b.add(LmTesting.sentence(lm, s));
        }
        return b;
    }

    private SmlmFile.Section section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private Path write(byte[] bytes) throws IOException {
        return Files.write(dir.resolve("damaged.smlm"), bytes);
    }

    private String refusal(byte[] bytes) throws IOException {
        Path p = write(bytes);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> {
            try (SmlmFile lm = SmlmFile.open(p)) {
                fail("opened a damaged file: " + lm.sections());
            }
        });
        assertTrue(e.getMessage().startsWith(p.toString() + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    private void assertRefused(byte[] bytes, String words) throws IOException {
        String m = refusal(bytes);
        assertTrue(m.contains(words), "'" + words + "' in: " + m);
    }

    /** The good bytes with an edit at an absolute position, checksums made right again. */
    private byte[] edited(Consumer<ByteBuffer> edit) {
        byte[] b = good.clone();
        edit.accept(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN));
        return Reseal.of(b);
    }

    /** The absolute position of byte {@code at} of a section. */
    private int at(String section, long at) {
        return (int) (section(section).offset() + at);
    }

    private static int entry(int section) {
        return SmlmLayout.HEADER_SIZE + SmlmLayout.DIR_ENTRY * section;
    }

    /** Every cut inside the header, then one every few bytes to the last, are refused; so is an appended byte. */
    @Test
    void truncationsAndAnAppendedByteAreRefused() throws IOException {
        for (int length = 0; length < good.length; length += length <= SmlmLayout.HEADER_SIZE ? 1 : 37) {
            String m = refusal(Arrays.copyOf(good, length));
            assertTrue(m.contains("truncated") || m.contains("too short"), length + ": " + m);
        }
        assertRefused(Arrays.copyOf(good, good.length - 1), "the file is truncated");
        assertRefused(Arrays.copyOf(good, good.length + 1), "bytes were appended");
    }

    /**
     * A flipped byte, in the header, the directory or padding, or one in every few of the sections (the seeded
     * properties flip others), is refused, or changes nothing when it is padding.
     */
    @Test
    void flippedBytesAreRefusedUnlessTheyArePadding() throws IOException {
        List<long[]> covered = new ArrayList<>();
        covered.add(new long[] {0, SmlmLayout.HEADER_SIZE + (long) SmlmLayout.DIR_ENTRY * sections.size()});
        sections.forEach(s -> covered.add(new long[] {s.offset(), s.offset() + s.length()}));
        long headerEnd = covered.getFirst()[1];
        for (int i = 0; i < good.length; i++) {
            final int at = i;
            boolean checked = covered.stream().anyMatch(r -> r[0] <= at && at < r[1]);
            if (checked && i >= headerEnd && i % 7 != 0) {
                continue;
            }
            byte[] b = good.clone();
            b[i] ^= 0x21;
            if (checked) {
                String m = refusal(b);
                assertTrue(m.contains("checksum") || m.contains("magic") || m.contains("version")
                        || m.contains("header"), i + ": " + m);
            } else {
                try (SmlmFile lm = SmlmFile.open(write(b))) {
                    assertEquals(behaviour, behaviour(lm), "padding byte " + i);
                }
            }
        }
    }

    @Test
    void aChecksumMismatchNamesTheSection() throws IOException {
        for (SmlmFile.Section s : sections) {
            byte[] b = good.clone();
            b[(int) (s.offset() + s.length() / 2)] ^= 1;
            assertRefused(b, "the " + s.name() + " section fails its checksum");
        }
    }

    @Test
    void wrongMagicVersionsAndLengthsAreRefused() throws IOException {
        assertRefused(edited(h -> h.put(3, (byte) 'X')), "wrong magic number");
        assertRefused(edited(h -> h.putShort(SmlmLayout.OFF_MAJOR, (short) 2)), "format version 2.0 is newer");
        assertRefused(edited(h -> h.putShort(SmlmLayout.OFF_MAJOR, (short) 0)), "not a released version");
        assertRefused(edited(h -> h.putLong(SmlmLayout.OFF_FILE_LENGTH, good.length - 1)), "the header says");
        try (SmlmFile lm = SmlmFile.open(write(edited(h -> h.putShort(SmlmLayout.OFF_MINOR, (short) 7))))) {
            assertEquals("1.7", lm.version(), "a newer minor version opens");
            assertEquals(behaviour, behaviour(lm));
        }
        assertRefused(Files.readAllBytes(LmTesting.SMALL_ARPA), "(it looks like text, an ARPA file perhaps");
        byte[] gzip = good.clone();
        gzip[0] = 0x1f;
        gzip[1] = (byte) 0x8b;
        assertRefused(gzip, "(it is gzip-compressed");
        byte[] smoe = good.clone();
        System.arraycopy("SMOE".getBytes(), 0, smoe, 0, 4);
        assertRefused(smoe, "(it is a .smoe acoustic model)");
        assertRefused(new byte[10], "too short for an .smlm header");
    }

    @Test
    void impossibleHeadersAndDirectoriesAreRefused() throws IOException {
        for (int order : new int[] {0, 2, 4, 17}) {
            refusal(edited(h -> h.putInt(SmlmLayout.OFF_ORDER, order)));
        }
        assertRefused(edited(h -> h.putInt(SmlmLayout.OFF_SECTION_COUNT, 6)), "section count (6)");
        assertRefused(edited(h -> h.putLong(SmlmLayout.OFF_DIR_OFFSET, 128)), "directory placement");
        assertRefused(edited(h -> h.putLong(SmlmLayout.OFF_DIR_LENGTH, 24 * 6)), "directory placement");
        assertRefused(edited(h -> h.putLong(entry(2), h.getLong(entry(2)) + 64)), "places the 1-grams section at");
        assertRefused(edited(h -> h.putLong(entry(4) + 8, h.getLong(entry(4) + 8) - 4)),
                "bytes follow the last section");
        assertRefused(edited(h -> h.putLong(entry(3) + 8, h.getLong(entry(3) + 8) + 64)), "places the 3-grams section");
        assertRefused(edited(h -> h.putInt(entry(3) + 16, 57)), "2-grams section: 57 n-grams in");
        assertRefused(edited(h -> h.putInt(entry(0) + 16, 3)), "metadata section: 2 entries, the directory says 3");
        assertRefused(edited(h -> h.putInt(entry(1) + 16, 2)), "2 words is not a vocabulary size");
        assertRefused(edited(h -> h.putInt(entry(1) + 16, 29)), "vocabulary section: is ");
        assertRefused(edited(h -> h.putInt(entry(2) + 16, 29)), "1-grams section: 29 n-grams");
    }

    @Test
    void aDamagedVocabularyIsRefused() throws IOException {
        assertRefused(edited(h -> h.putInt(at("vocabulary", 0), 96)), "hash slots for 28 words");
        assertRefused(edited(h -> h.putInt(at("vocabulary", 4), 1)), "vocabulary section: is ");
        // word 3 one byte longer, word 4 one shorter
        assertRefused(edited(h -> h.putInt(at("vocabulary", 8 + 4 * 4), h.getInt(at("vocabulary", 8 + 4 * 4)) + 1)),
                "vocabulary section: word 4 spans text bytes");
        assertRefused(edited(h -> h.putInt(at("vocabulary", 8), 1)), "the first word starts at text offset 1");
        int slots = at("vocabulary", 8 + 4 * 29);
        ByteBuffer bytes = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN);
        int[] used = IntStream.range(0, 64).filter(s -> bytes.getInt(slots + 4 * s) != 0).toArray();
        assertRefused(edited(h -> {
            int a = h.getInt(slots + 4 * used[0]);
            h.putInt(slots + 4 * used[0], h.getInt(slots + 4 * used[1]));
            h.putInt(slots + 4 * used[1], a);
        }), "is not where the hash table finds it");
        assertRefused(edited(h -> h.putInt(slots + 4 * used[0], 0)), "the hash table holds 27 words");
        assertRefused(edited(h -> h.putInt(slots + 4 * used[0], 29)), "holds word 28 of 28");
        int text = at("vocabulary", 8 + 4 * 29 + 4 * 64);
        assertRefused(edited(h -> h.put(text + 1, (byte) 0xff)), "is not valid UTF-8");
        assertRefused(edited(h -> h.put(text + 1, (byte) ' ')), "holds a blank");
    }

    @Test
    void brokenNgramTablesAreRefused() throws IOException {
        int v = 28;
        int c2 = 56;
        assertRefused(edited(h -> h.putFloat(at("1-grams", 4 * 3), 0.5f)), "1-grams section: entry 3 has log10"
                + " probability 0.5");
        assertRefused(edited(h -> h.putFloat(at("1-grams", 4 * v + 4 * 5), Float.NaN)),
                "entry 5 has back-off weight NaN");
        assertRefused(edited(h -> h.putInt(at("1-grams", 8 * v), 1)), "the child ranges cover entries 1 to 56");
        assertRefused(edited(h -> h.putInt(at("1-grams", 8 * v + 4 * 5), 60)), "entry 4's child range");
        assertRefused(edited(h -> h.putInt(at("2-grams", 8 * c2 + 4 * 7), 1000)), "entry 7 has word id 1000");
        assertRefused(edited(h -> h.putInt(at("3-grams", 4 * 2), -1)),
                "3-grams section: entry 2 has word id 4294967295");
        // the first two bigrams after <s> swapped: out of order
        int words = at("2-grams", 8 * c2);
        assertRefused(edited(h -> {
            int a = h.getInt(words);
            h.putInt(words, h.getInt(words + 4));
            h.putInt(words + 4, a);
        }), "are not in strictly increasing word order");
        assertRefused(edited(h -> h.putLong(at("2-grams", 8 * 9), BackoffModel.state(1, 0))),
                "2-grams section: entry 9 backs off to the 1-gram at index 0, not to its longest suffix");
        assertRefused(edited(h -> h.putLong(at("2-grams", 8 * 9), BackoffModel.state(2, 0))), "entry 9 backs off to");
    }

    @Test
    void skippingTheNgramsOpensADamagedFileWhoseChecksLaterFindTheDamage() throws IOException {
        byte[] b = good.clone();
        b[at("3-grams", 5)] ^= 0x40;
        Path p = write(b);
        try (SmlmFile lm = SmlmFile.open(p, SmlmFile.Verification.SKIP_NGRAMS)) {
            assertEquals(List.of("3-grams"), lm.verifyAll());
            assertFalse(lm.verify(lm.sections().get(4)));
        }
        Path resealed = write(edited(h -> h.putInt(at("3-grams", 0), 1000)));
        try (SmlmFile lm = SmlmFile.open(resealed, SmlmFile.Verification.SKIP_NGRAMS)) {
            assertEquals(List.of(), lm.verifyAll());
            ModelFormatException e = assertThrows(ModelFormatException.class, lm::checkStructure);
            assertTrue(e.getMessage().contains("entry 0 has word id 1000"), e.getMessage());
        }
        byte[] vocabulary = good.clone();
        vocabulary[at("vocabulary", 8 + 4 * 29 + 4 * 64)] ^= 0x40;
        Path p2 = write(vocabulary);
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> SmlmFile.open(p2, SmlmFile.Verification.SKIP_NGRAMS));
        assertTrue(e.getMessage().contains("the vocabulary section fails its checksum"), e.getMessage());
    }

    @Test
    void notAFileIsRefused() {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SmlmFile.open(dir));
        assertEquals(dir + ": is a directory, not an .smlm language model", e.getMessage());
        assertThrows(NoSuchFileException.class, () -> SmlmFile.open(dir.resolve("absent.smlm")));
    }
}
