package org.speechmoe.runtime.internal.decoder;

import it.unimi.dsi.fastutil.chars.CharArrayList;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.ints.IntArrays;

/**
 * An immutable trie over the UTF-16 characters of a set of keys, each key carrying an int value. The layout is flat
 * (a node's edges are one sorted run of two arrays, found by binary search) so that a trie of a few hundred thousand
 * words costs a few bytes per character and no object per node, and threads can share it freely.
 *
 * <p>Building sorts the keys and inserts them in order: then every key shares its path with the one before it up to
 * their common prefix, so each new node is made exactly once, by a stack walk, and a node's edges come out already in
 * character order. Cost: the sort plus one step per character.
 */
final class CharTrie {
    static final int ROOT = 0;
    static final int NONE = -1;

    /** Edges of node n are {@code firstEdge[n] .. firstEdge[n + 1] - 1}, sorted by character. */
    private final int[] firstEdge;
    private final char[] edgeChars;
    private final int[] edgeTargets;
    /** The value of the key that ends at each node, or {@link #NONE}. */
    private final int[] values;

    private CharTrie(int[] firstEdge, char[] edgeChars, int[] edgeTargets, int[] values) {
        this.firstEdge = firstEdge;
        this.edgeChars = edgeChars;
        this.edgeTargets = edgeTargets;
        this.values = values;
    }

    /**
     * The trie of {@code keys}, key i carrying {@code values[i]} (at least 0). Where a key repeats, the value of its
     * first occurrence in sorted order is kept (sorting is not stable, so any of them).
     */
    static CharTrie of(String[] keys, int[] values) {
        if (keys.length != values.length) {
            throw new IllegalArgumentException(keys.length + " keys but " + values.length + " values");
        }
        int[] order = new int[keys.length];
        int longest = 0;
        for (int i = 0; i < keys.length; i++) {
            order[i] = i;
            longest = Math.max(longest, keys[i].length());
        }
        IntArrays.quickSort(order, (a, b) -> keys[a].compareTo(keys[b]));
        IntArrayList parents = new IntArrayList();
        CharArrayList chars = new CharArrayList();
        IntArrayList nodeValues = IntArrayList.of(NONE);
        int[] path = new int[longest + 1];
        String previous = "";
        for (int i : order) {
            String key = keys[i];
            for (int depth = commonPrefix(previous, key); depth < key.length(); depth++) {
                parents.add(path[depth]);
                chars.add(key.charAt(depth));
                path[depth + 1] = nodeValues.size();
                nodeValues.add(NONE);
            }
            if (nodeValues.getInt(path[key.length()]) == NONE) {
                nodeValues.set(path[key.length()], values[i]);
            }
            previous = key;
        }
        // Edge k made node k + 1; counting them out by parent keeps each parent's edges in the order they were
        // made, which the sorted insertion made character order.
        int nodes = nodeValues.size();
        int[] firstEdge = new int[nodes + 1];
        for (int k = 0; k < parents.size(); k++) {
            firstEdge[parents.getInt(k) + 1]++;
        }
        for (int n = 0; n < nodes; n++) {
            firstEdge[n + 1] += firstEdge[n];
        }
        int[] fill = firstEdge.clone();
        char[] edgeChars = new char[parents.size()];
        int[] edgeTargets = new int[parents.size()];
        for (int k = 0; k < parents.size(); k++) {
            int at = fill[parents.getInt(k)]++;
            edgeChars[at] = chars.getChar(k);
            edgeTargets[at] = k + 1;
        }
        return new CharTrie(firstEdge, edgeChars, edgeTargets, nodeValues.toIntArray());
    }

    private static int commonPrefix(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }

    int nodes() {
        return values.length;
    }

    /** The node after {@code c} from {@code node}, or {@link #NONE}. */
    int child(int node, char c) {
        int low = firstEdge[node];
        int high = firstEdge[node + 1] - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            char m = edgeChars[mid];
            if (m < c) {
                low = mid + 1;
            } else if (m > c) {
                high = mid - 1;
            } else {
                return edgeTargets[mid];
            }
        }
        return NONE;
    }

    /** The node after the characters of {@code s} from {@code node}, or {@link #NONE} where the trie has no path. */
    int walk(int node, String s) {
        for (int i = 0; i < s.length() && node != NONE; i++) {
            node = child(node, s.charAt(i));
        }
        return node;
    }

    /** The value of the key ending at {@code node}, or {@link #NONE} if none does. */
    int value(int node) {
        return values[node];
    }

    int firstEdge(int node) {
        return firstEdge[node];
    }

    int endEdge(int node) {
        return firstEdge[node + 1];
    }

    char edgeChar(int edge) {
        return edgeChars[edge];
    }

    int edgeTarget(int edge) {
        return edgeTargets[edge];
    }
}
