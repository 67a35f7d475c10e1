package org.speechmoe.format.lm;

import java.util.Arrays;

/**
 * The n-grams of one order as the ARPA import reads them, in file order, until they are sorted into trie order. Grows
 * with what the file holds, not with what its header declares.
 */
final class NgramBuffer {
    private int size;
    /** The context's index in the order below in the high half, the word id in the low half: trie order. */
    private long[] keys = new long[64];
    private float[] probs = new float[64];
    private float[] backoffs = new float[64];
    private long[] links = new long[64];
    private long[] lines = new long[64];

    void add(int context, int word, float prob, float backoff, long link, long line) {
        if (size == keys.length) {
            int capacity = (int) Math.min(Integer.MAX_VALUE - 8, 2L * size);
            keys = Arrays.copyOf(keys, capacity);
            probs = Arrays.copyOf(probs, capacity);
            backoffs = Arrays.copyOf(backoffs, capacity);
            links = Arrays.copyOf(links, capacity);
            lines = Arrays.copyOf(lines, capacity);
        }
        keys[size] = (long) context << 32 | word;
        probs[size] = prob;
        backoffs[size] = backoff;
        links[size] = link;
        lines[size] = line;
        size++;
    }

    int size() {
        return size;
    }

    int context(int i) {
        return (int) (keys[i] >>> 32);
    }

    int word(int i) {
        return (int) keys[i];
    }

    float prob(int i) {
        return probs[i];
    }

    float backoff(int i) {
        return backoffs[i];
    }

    long link(int i) {
        return links[i];
    }

    long line(int i) {
        return lines[i];
    }

    boolean sameNgram(int i, int j) {
        return keys[i] == keys[j];
    }

    /** Entry indices in trie order (by context, then word); equal n-grams stay in file order, next to each other. */
    int[] trieOrder() {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        int[] scratch = new int[size];
        for (long width = 1; width < size; width *= 2) {
            for (long lo = 0; lo < size - width; lo += 2 * width) {
                merge(order, scratch, (int) lo, (int) (lo + width), (int) Math.min(size, lo + 2 * width));
            }
        }
        return order;
    }

    private void merge(int[] order, int[] scratch, int lo, int mid, int hi) {
        if (keys[order[mid - 1]] <= keys[order[mid]]) {
            return;
        }
        System.arraycopy(order, lo, scratch, lo, hi - lo);
        int a = lo;
        int b = mid;
        for (int k = lo; k < hi; k++) {
            if (b >= hi || (a < mid && keys[scratch[a]] <= keys[scratch[b]])) {
                order[k] = scratch[a++];
            } else {
                order[k] = scratch[b++];
            }
        }
    }
}
