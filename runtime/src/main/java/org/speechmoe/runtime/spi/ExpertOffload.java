package org.speechmoe.runtime.spi;


/**
 * A device that runs the routed experts' feed-forward networks (the backend operation {@code expertFfn}) in place of
 * the CPU, while the rest of the graph stays on the CPU backend. An offload belongs to one model: it keeps every expert layer's
 * weights on the device from the first call on, until it is closed. Implementations are thread-safe (recognizers of
 * one model share it).
 */
public interface ExpertOffload extends AutoCloseable {
    /**
     * The device and its driver, for logs.
     *
     * @return e.g. {@code "TornadoVM OpenCL: NVIDIA H200"}
     */
    String description();

    /**
     * Runs each expert's FFN on its frames: the {@code gathered} rows ({@code × dim}) are grouped by expert, expert e
     * owning rows {@code [offsets[e], offsets[e+1])}; row r of {@code out} becomes
     * {@code scale · rowScale[r] · (W2_e act(W1_e x_r + b1_e) + b2_e)}. Experts without rows cost nothing.
     *
     * @param layer    the experts and their weights
     * @param gathered the frames grouped by expert, {@code rows × dim}
     * @param offsets  {@code E + 1} row offsets: expert e's rows are {@code [offsets[e], offsets[e+1])}
     * @param rowScale each row's gate
     * @param out      {@code rows × dim}, overwritten
     * @throws BackendUnavailableException when the device cannot run this layer (e.g. its stored type)
     */
    void expertFfn(ExpertLayer layer, float[] gathered, int[] offsets, float[] rowScale, float[] out);

    /** Frees the device memory; later calls fail. */
    @Override
    void close();
}
