package org.speechmoe.format.lm;

import static org.speechmoe.format.lm.SmlmLayout.U32;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.speechmoe.format.ModelFormatException;

/**
 * The words of a language model and the table that finds a word's id, over a memory segment laid out as the
 * {@code .smlm} vocabulary section:
 *
 * <pre>
 * u32 slot_count          H, a power of two greater than the word count V
 * u32 text_length         B, bytes of UTF-8 text
 * u32 offsets[V + 1]      word i is text[offsets[i] .. offsets[i + 1])
 * u32 slots[H]            0 for an empty slot, else word id + 1
 * u8  text[B]
 * </pre>
 *
 * A word's home slot is {@link #hash} of its UTF-8 bytes masked to H - 1; collisions take the next slot (linear
 * probing), and an empty slot ends a search. Lookups hash and compare a {@link CharSequence} as UTF-8 on the fly, so a
 * lookup allocates nothing and reads only the slots and words it probes.
 */
final class Vocabulary {
    private static final long HEADER = 8;

    private final int size;
    private final int mask;
    private final MemorySegment section;
    private final MemorySegment offsets;
    private final MemorySegment slots;
    private final MemorySegment text;

    private Vocabulary(MemorySegment section, int size, long slotCount, long textLength) {
        this.size = size;
        this.mask = (int) (slotCount - 1);
        this.section = section;
        this.offsets = section.asSlice(HEADER, 4L * (size + 1));
        this.slots = section.asSlice(HEADER + offsets.byteSize(), 4L * slotCount);
        this.text = section.asSlice(HEADER + offsets.byteSize() + slots.byteSize(), textLength);
    }

    /**
     * The vocabulary over a section of {@code size} words, after checking that the section's own counts fit its
     * length; the words and the table are checked by {@link #check}.
     */
    static Vocabulary over(MemorySegment section, int size, String file) throws ModelFormatException {
        long length = section.byteSize();
        if (length < HEADER) {
            throw error(file, length + " bytes cannot hold its counts");
        }
        long slotCount = Integer.toUnsignedLong(section.get(U32, 0));
        long textLength = Integer.toUnsignedLong(section.get(U32, 4));
        if (slotCount <= size || Long.bitCount(slotCount) != 1 || slotCount > 1L << 31) {
            throw error(file, slotCount + " hash slots for " + size + " words: the count must be a power of two"
                    + " above the word count");
        }
        long expected = HEADER + 4L * (size + 1) + 4 * slotCount + textLength;
        if (length != expected) {
            throw error(file, "is " + length + " bytes, its counts (" + size + " words, " + slotCount + " slots, "
                    + textLength + " bytes of text) make " + expected);
        }
        return new Vocabulary(section, size, slotCount, textLength);
    }

    /** A vocabulary of {@code words}, in id order, in a new segment; the words must be distinct. */
    static Vocabulary build(List<String> words, Arena arena) {
        int size = words.size();
        byte[][] utf8 = new byte[size][];
        long textLength = 0;
        for (int i = 0; i < size; i++) {
            utf8[i] = words.get(i).getBytes(StandardCharsets.UTF_8);
            textLength += utf8[i].length;
        }
        // at most half full, so that probes stay short
        long slotCount = Long.highestOneBit(Math.max(1, 2L * size - 1)) << 1;
        MemorySegment section = arena.allocate(HEADER + 4L * (size + 1) + 4 * slotCount + textLength, 8);
        section.set(U32, 0, (int) slotCount);
        section.set(U32, 4, (int) textLength);
        Vocabulary v = new Vocabulary(section, size, slotCount, textLength);
        long at = 0;
        for (int i = 0; i < size; i++) {
            v.offsets.setAtIndex(U32, i, (int) at);
            MemorySegment.copy(utf8[i], 0, v.text, ValueLayout.JAVA_BYTE, at, utf8[i].length);
            at += utf8[i].length;
            int slot = (int) (hash(MemorySegment.ofArray(utf8[i]), 0, utf8[i].length) & v.mask);
            while (v.slots.getAtIndex(U32, slot) != 0) {
                slot = (slot + 1) & v.mask;
            }
            v.slots.setAtIndex(U32, slot, i + 1);
        }
        v.offsets.setAtIndex(U32, size, (int) at);
        return v;
    }

    MemorySegment section() {
        return section;
    }

    int size() {
        return size;
    }

    String word(int id) {
        long begin = start(id);
        long end = start(id + 1);
        return new String(text.asSlice(begin, end - begin).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** The id of {@code word}, or -1. */
    int find(CharSequence word) {
        long h = hash(word);
        if (h == UNENCODABLE) {
            return -1;
        }
        for (long slot = h & mask, probes = 0; probes <= mask; slot = (slot + 1) & mask, probes++) {
            int entry = slots.getAtIndex(U32, slot);
            if (entry == 0 || equalsWord(word, entry - 1)) {
                return entry - 1;
            }
        }
        return -1;
    }

    /** The id of the word whose UTF-8 bytes are {@code text[begin, end)}, or -1. */
    private int find(long begin, long end) {
        long home = hash(text, begin, end) & mask;
        for (long slot = home, probes = 0; probes <= mask; slot = (slot + 1) & mask, probes++) {
            int entry = slots.getAtIndex(U32, slot);
            if (entry == 0 || MemorySegment.mismatch(text, begin, end, text, start(entry - 1), start(entry)) < 0) {
                return entry - 1;
            }
        }
        return -1;
    }

    private long start(int id) {
        return Integer.toUnsignedLong(offsets.getAtIndex(U32, id));
    }

    /**
     * Checks that every word is non-empty valid UTF-8 without blanks, that the table holds each word exactly once
     * where a lookup finds it, and that {@code <unk>} is word 0. Reads the words in place: nothing is allocated
     * unless the check fails.
     */
    void check(String file) throws ModelFormatException {
        if (start(0) != 0) {
            throw error(file, "the first word starts at text offset " + start(0) + ", not 0");
        }
        for (int i = 0; i < size; i++) {
            long begin = start(i);
            long end = start(i + 1);
            if (end <= begin || end > text.byteSize()) {
                throw error(file, "word " + i + " spans text bytes [" + begin + ", " + end + ") of "
                        + text.byteSize() + ": not a non-empty range");
            }
            String problem = Utf8.problem(text, begin, end);
            if (problem != null) {
                throw error(file, "word " + i + " " + problem);
            }
        }
        if (start(size) != text.byteSize()) {
            throw error(file, (text.byteSize() - start(size)) + " text bytes follow the last word");
        }
        long used = 0;
        for (long s = 0; s <= mask; s++) {
            long entry = Integer.toUnsignedLong(slots.getAtIndex(U32, s));
            if (entry > size) {
                throw error(file, "hash slot " + s + " holds word " + (entry - 1) + " of " + size);
            }
            used += entry == 0 ? 0 : 1;
        }
        if (used != size) {
            throw error(file, "the hash table holds " + used + " words, the vocabulary " + size);
        }
        for (int i = 0; i < size; i++) {
            if (find(start(i), start(i + 1)) != i) {
                throw error(file, "word " + i + " ('" + word(i) + "') is not where the hash table finds it,"
                        + " or appears twice");
            }
        }
        if (size == 0 || find(BackoffModel.UNKNOWN) != NgramModel.UNKNOWN_WORD) {
            throw error(file, "word " + NgramModel.UNKNOWN_WORD + " is not " + BackoffModel.UNKNOWN);
        }
    }

    private boolean equalsWord(CharSequence word, int id) {
        long at = start(id);
        long end = start(id + 1);
        for (int i = 0; i < word.length(); ) {
            int c = Character.codePointAt(word, i);
            i += Character.charCount(c);
            int n = Utf8.length(c);
            if (at + n > end) {
                return false;
            }
            for (int k = 0; k < n; k++) {
                if (text.get(ValueLayout.JAVA_BYTE, at + k) != Utf8.unit(c, n, k)) {
                    return false;
                }
            }
            at += n;
        }
        return at == end;
    }

    /** What {@link #hash(CharSequence)} gives for a word that no UTF-8 text can hold: one with a lone surrogate. */
    private static final long UNENCODABLE = -1;
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    /**
     * FNV-1a (64-bit) of the UTF-8 bytes {@code bytes[begin, end)}, then MurmurHash3's 64-bit finalizer, which mixes
     * every input bit into the low bits that pick the slot; the sign bit is cleared, to keep {@link #UNENCODABLE}
     * apart.
     */
    static long hash(MemorySegment bytes, long begin, long end) {
        long h = FNV_OFFSET;
        for (long i = begin; i < end; i++) {
            h = (h ^ (bytes.get(ValueLayout.JAVA_BYTE, i) & 0xff)) * FNV_PRIME;
        }
        return finish(h);
    }

    /** {@link #hash(MemorySegment, long, long)} of the word's UTF-8 form, {@link #UNENCODABLE} if it has none. */
    static long hash(CharSequence word) {
        long h = FNV_OFFSET;
        for (int i = 0; i < word.length(); ) {
            int c = Character.codePointAt(word, i);
            i += Character.charCount(c);
            if (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) {
                return UNENCODABLE;
            }
            int n = Utf8.length(c);
            for (int k = 0; k < n; k++) {
                h = (h ^ (Utf8.unit(c, n, k) & 0xff)) * FNV_PRIME;
            }
        }
        return finish(h);
    }

    private static long finish(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h & Long.MAX_VALUE;
    }

    private static ModelFormatException error(String file, String message) {
        return new ModelFormatException(file + ": vocabulary section: " + message);
    }
}
