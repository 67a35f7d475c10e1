package org.speechmoe.format.graph;

/**
 * How one Conformer encoder was built and trained for streaming (WeNet's U2 options, as 3m-asr's train.yaml names
 * them). A causal encoder's convolution modules pad only on the left ({@code kernel - 1} frames) and need no future
 * frames, so a causal model can be decoded chunk by chunk exactly; the chunk options say which chunked attention it
 * was trained with, which is what makes chunked decoding accurate.
 *
 * @param causal               {@code causal}: left-padded depthwise convolution
 * @param useDynamicChunk      {@code use_dynamic_chunk}: trained with random chunk sizes (and full context), so any
 *                             chunk size may be used at decoding
 * @param useDynamicLeftChunk  {@code use_dynamic_left_chunk}: trained with random left-context limits too
 * @param staticChunkSize      {@code static_chunk_size}: trained with this one chunk size (output frames), 0 for
 *                             none; without dynamic chunks 3m-asr masks attention to it even at full-context decoding
 */
public record StreamingConfig(boolean causal, boolean useDynamicChunk, boolean useDynamicLeftChunk,
                              int staticChunkSize) {
    /** A full-context encoder: symmetric convolution, no chunk training (3m-asr's released models). */
    public static final StreamingConfig FULL_CONTEXT = new StreamingConfig(false, false, false, 0);

    public StreamingConfig {
        EncoderConfig.require(staticChunkSize >= 0, "static_chunk_size must not be negative");
    }

    /**
     * The chunk size (output frames) full-context decoding masks attention to: {@link #staticChunkSize} when the
     * model was trained with it alone, else 0 (none). 3m-asr's {@code add_optional_chunk_mask} with
     * {@code decoding_chunk_size -1}.
     */
    public int decodingChunkSize() {
        return useDynamicChunk ? 0 : staticChunkSize;
    }

    /** Trained with chunked attention at all (dynamic or static chunks). */
    public boolean chunkTrained() {
        return useDynamicChunk || staticChunkSize > 0;
    }
}
