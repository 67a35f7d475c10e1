package org.speechmoe.runtime.internal.decoder;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;

/**
 * Numbers the label sequences a beam search keeps: the empty sequence is {@link #ROOT}, and each other sequence is
 * known by the number of the sequence without its last token plus that token. Because the numbering is unique, the
 * pair {@code (parent, token)} identifies a sequence in O(1), whatever its length.
 */
final class PrefixTrie {
    static final int ROOT = 0;

    private final Long2IntOpenHashMap ids = new Long2IntOpenHashMap();

    PrefixTrie() {
        ids.defaultReturnValue(-1);
    }

    /** A hash key for the sequence {@code parent} followed by {@code token}. */
    static long key(int parent, int token) {
        return (long) parent << 32 | Integer.toUnsignedLong(token);
    }

    /** The number of {@code parent} followed by {@code token}, assigned on first request. */
    int child(int parent, int token) {
        long key = key(parent, token);
        int id = ids.get(key);
        if (id < 0) {
            id = ids.size() + 1;
            ids.put(key, id);
        }
        return id;
    }
}
