package org.speechmoe.runtime.internal.state;

import java.util.Arrays;

/**
 * What one Conformer block of a stream keeps from chunk to chunk: the attention keys, values and projected positions
 * of the frames before the chunk (each {@code rows × d}, oldest first), and the causal convolution module's last
 * {@code kernel - 1} gated inputs. With a left-context limit only the newest {@code keep} rows stay, so memory is
 * bounded however long the stream runs.
 */
public final class BlockCache {
    private final int d;
    private final int keep;
    private float[] keys = new float[0];
    private float[] values = new float[0];
    private float[] positions = new float[0];
    private int rows;
    private float[] convolution;

    /** @param keep the rows kept after a chunk, negative for all */
    public BlockCache(int d, int keep) {
        this.d = d;
        this.keep = keep;
    }

    /** The cached frames. */
    public int rows() {
        return rows;
    }

    /**
     * Makes room for {@code frames} new rows after the cached ones; the caller writes them at row {@link #rows()} of
     * {@link #keys()}, {@link #values()} and {@link #positions()}, attends over all, then calls {@link #commit}.
     */
    public void reserve(int frames) {
        int need = (rows + frames) * d;
        if (keys.length < need) {
            int capacity = Math.max(need, 2 * keys.length);
            keys = Arrays.copyOf(keys, capacity);
            values = Arrays.copyOf(values, capacity);
            positions = Arrays.copyOf(positions, capacity);
        }
    }

    public float[] keys() {
        return keys;
    }

    public float[] values() {
        return values;
    }

    public float[] positions() {
        return positions;
    }

    /** Adds the {@code frames} rows written after the cached ones, then drops the oldest beyond the limit. */
    public void commit(int frames) {
        rows += frames;
        if (keep >= 0 && rows > keep) {
            int drop = rows - keep;
            System.arraycopy(keys, drop * d, keys, 0, keep * d);
            System.arraycopy(values, drop * d, values, 0, keep * d);
            System.arraycopy(positions, drop * d, positions, 0, keep * d);
            rows = keep;
        }
    }

    /** The convolution module's left context ({@code (kernel - 1) × d}), null before the first chunk. */
    public float[] convolution() {
        return convolution;
    }

    public void convolution(float[] history) {
        convolution = history;
    }

    /** Back to the start of a stream; the arrays stay allocated for the next one. */
    public void reset() {
        rows = 0;
        convolution = null;
    }
}
