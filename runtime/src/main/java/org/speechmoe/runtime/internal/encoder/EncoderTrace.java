package org.speechmoe.runtime.internal.encoder;

/**
 * Receives the intermediate results of a forward pass, named as the reference fixtures name them
 * ({@code embed_subsampling}, {@code embed}, {@code subsampling}, {@code block_3}, {@code router_probs_3}, ...).
 * Tests compare them with PyTorch; inference passes {@link #NONE}. The arrays are live: copy what you keep.
 */
@FunctionalInterface
public interface EncoderTrace {
    EncoderTrace NONE = (name, data, rows, cols) -> { };

    void record(String name, float[] data, int rows, int cols);
}
