package org.speechmoe.runtime.backend;

/**
 * A device that runs the routed experts' feed-forward networks ({@link Backend#expertFfn}) in place of the CPU, while
 * the rest of the graph stays on the CPU backend. An offload belongs to one model: it keeps every expert layer's
 * weights on the device from the first call on, until it is closed. Implementations are thread-safe (recognizers of
 * one model share it).
 */
public interface ExpertOffload extends AutoCloseable {
    /** The device and its driver, for logs: {@code "TornadoVM OpenCL: NVIDIA H200"}. */
    String description();

    /** The contract of {@link Backend#expertFfn}, computed on the device. */
    void expertFfn(ExpertLayer layer, float[] gathered, int[] offsets, float[] rowScale, float[] out);

    /** Frees the device memory; later calls fail. */
    @Override
    void close();
}
