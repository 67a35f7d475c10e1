package org.speechmoe.format.lm;

import static org.speechmoe.format.lm.SmlmLayout.F32;
import static org.speechmoe.format.lm.SmlmLayout.U32;
import static org.speechmoe.format.lm.SmlmLayout.U64;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.speechmoe.format.ModelFormatException;

/**
 * The n-grams of one order, in trie order, as columns over a memory segment laid out as that order's {@code .smlm}
 * section. Entries are sorted by the index of their context (the n-gram without its last word) in the order below,
 * then by word id, so the continuations of one context are a contiguous run of the next order, which a binary search
 * on word ids finds a word in. Unigrams are indexed by word id and store no words.
 *
 * <p>Columns, in section order, each present only where the order needs it:
 * <ul>
 *   <li>{@code link} (u64, orders 2 to N-1): the state to back off to, that of the longest proper suffix of the
 *       n-gram that is in the model ({@link BackoffModel} packs states);</li>
 *   <li>{@code word} (u32, orders from 2): the last word;</li>
 *   <li>{@code prob} (f32): log10 probability;</li>
 *   <li>{@code backoff} (f32, orders below N): log10 back-off weight;</li>
 *   <li>{@code child} (u32, count + 1 values, orders below N): entry i's continuations are entries
 *       {@code child[i] .. child[i + 1] - 1} of the next order.</li>
 * </ul>
 * The same class serves a table being built by the ARPA import (in freshly allocated memory) and one mapped from a
 * file, so the writer stores exactly what the reader will search.
 */
final class NgramTable {
    private final int n;
    private final int count;
    private final MemorySegment section;
    private final MemorySegment links;
    private final MemorySegment words;
    private final MemorySegment probs;
    private final MemorySegment backoffs;
    private final MemorySegment children;

    private NgramTable(MemorySegment section, int n, int order, int count) {
        this.n = n;
        this.count = count;
        this.section = section;
        long at = 0;
        links = n > 1 && n < order ? section.asSlice(at, 8L * count) : null;
        at += links == null ? 0 : links.byteSize();
        words = n > 1 ? section.asSlice(at, 4L * count) : null;
        at += words == null ? 0 : words.byteSize();
        probs = section.asSlice(at, 4L * count);
        at += probs.byteSize();
        backoffs = n < order ? section.asSlice(at, 4L * count) : null;
        at += backoffs == null ? 0 : backoffs.byteSize();
        children = n < order ? section.asSlice(at, 4L * count + 4) : null;
    }

    /** Bytes of the section of order {@code n} in a model of order {@code order} holding {@code count} n-grams. */
    static long sectionBytes(int n, int order, long count) {
        long perEntry = 4 + (n > 1 ? 4 : 0) + (n < order ? 8 : 0) + (n > 1 && n < order ? 8 : 0);
        return perEntry * count + (n < order ? 4 : 0);
    }

    /** The table over a section whose length the caller has checked against {@link #sectionBytes}. */
    static NgramTable over(MemorySegment section, int n, int order, int count) {
        return new NgramTable(section, n, order, count);
    }

    /** An empty table, zero-filled, for the import to fill in. */
    static NgramTable allocate(Arena arena, int n, int order, int count) {
        return new NgramTable(arena.allocate(sectionBytes(n, order, count), 8), n, order, count);
    }

    MemorySegment section() {
        return section;
    }

    int count() {
        return count;
    }

    int word(int i) {
        return words == null ? i : words.getAtIndex(U32, i);
    }

    float prob(int i) {
        return probs.getAtIndex(F32, i);
    }

    float backoff(int i) {
        return backoffs.getAtIndex(F32, i);
    }

    /** The state this context backs off to; a unigram backs off to the empty context, state 0. */
    long link(int i) {
        return links == null ? 0 : links.getAtIndex(U64, i);
    }

    /** One past the index of the last continuation of entry {@code i} in the next order. */
    int childEnd(int i) {
        return children.getAtIndex(U32, i + 1L);
    }

    /** The index, in {@code next} (the table one order up), of {@code word} after context {@code i}, or -1. */
    int findChild(int i, int word, NgramTable next) {
        int lo = children.getAtIndex(U32, i);
        int hi = children.getAtIndex(U32, i + 1L) - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int w = next.word(mid);
            if (w < word) {
                lo = mid + 1;
            } else if (w > word) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    void setWord(int i, int word) {
        words.setAtIndex(U32, i, word);
    }

    void setProb(int i, float log10) {
        probs.setAtIndex(F32, i, log10);
    }

    void setBackoff(int i, float log10) {
        backoffs.setAtIndex(F32, i, log10);
    }

    void setLink(int i, long state) {
        links.setAtIndex(U64, i, state);
    }

    void setChild(int i, int first) {
        children.setAtIndex(U32, i, first);
    }

    /**
     * Checks each entry on its own: a word inside the vocabulary, a log10 probability that is one (at most 0, or
     * -infinity), a finite back-off weight.
     */
    void checkEntries(int vocabularySize, String file) throws ModelFormatException {
        for (int i = 0; i < count; i++) {
            float p = prob(i);
            if (Float.isNaN(p) || p > 0) {
                throw error(file, "entry " + i + " has log10 probability " + p + ", not one of a probability");
            }
            if (backoffs != null && !Float.isFinite(backoff(i))) {
                throw error(file, "entry " + i + " has back-off weight " + backoff(i));
            }
            if (words != null && Integer.toUnsignedLong(word(i)) >= vocabularySize) {
                throw error(file, "entry " + i + " has word id " + Integer.toUnsignedLong(word(i))
                        + ", beyond the " + vocabularySize + "-word vocabulary");
            }
        }
    }

    /**
     * Checks what binary search relies on: child ranges that tile {@code next}, the table one order up, in order, and
     * words strictly increasing in each range. The links need every order: {@link BackoffModel#checkLinks}.
     */
    void checkChildren(NgramTable next, String file) throws ModelFormatException {
        long first = Integer.toUnsignedLong(children.getAtIndex(U32, 0));
        long last = Integer.toUnsignedLong(children.getAtIndex(U32, count));
        if (first != 0 || last != next.count) {
            throw error(file, "the child ranges cover entries " + first + " to " + last + " of the "
                    + next.count + " " + (n + 1) + "-grams, not all of them");
        }
        long end = 0;
        for (int i = 0; i < count; i++) {
            long begin = end;
            end = Integer.toUnsignedLong(children.getAtIndex(U32, i + 1L));
            if (end < begin || end > next.count) {
                throw error(file, "entry " + i + "'s child range [" + begin + ", " + end + ") is not a range of the "
                        + next.count + " " + (n + 1) + "-grams");
            }
            for (long c = begin + 1; c < end; c++) {
                if (next.word((int) c - 1) >= next.word((int) c)) {
                    throw error(file, "the " + (n + 1) + "-grams " + (c - 1) + " and " + c
                            + " after entry " + i + " are not in strictly increasing word order");
                }
            }
        }
    }

    ModelFormatException error(String file, String message) {
        return new ModelFormatException(file + ": " + n + "-grams section: " + message);
    }
}
