package org.speechmoe.runtime.internal.encoder;

import org.speechmoe.runtime.internal.state.BlockCache;

/**
 * Where the chunks of several streams lie in one pass of a {@link ConformerStack}: stream i's output frames are the
 * rows {@code [start(i), start(i) + frames(i))} of the stacked activations, its first frame is frame
 * {@code offset(i)} of its stream, and {@code caches[i][b]} is its cache of block b. Position-wise layers run on all
 * rows at once; attention and the causal convolution run on each stream's rows over its own caches.
 */
record ChunkRows(int[] starts, int[] frames, int[] offsets, BlockCache[][] caches) {
    int streams() {
        return starts.length;
    }

    int start(int stream) {
        return starts[stream];
    }

    int frames(int stream) {
        return frames[stream];
    }

    int offset(int stream) {
        return offsets[stream];
    }

    BlockCache cache(int stream, int block) {
        return caches[stream][block];
    }
}
