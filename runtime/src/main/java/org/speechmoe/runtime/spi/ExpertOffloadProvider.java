package org.speechmoe.runtime.spi;


/**
 * The service an accelerator module registers (via {@link java.util.ServiceLoader}) so that the runtime can offload
 * the routed experts without a compile-time dependency on it. The runtime finds it by {@link #device()}.
 */
public interface ExpertOffloadProvider {
    /**
     * The name users select it by.
     *
     * @return e.g. {@code gpu}, which {@code RecognizerOptions.withDevice} names
     */
    String device();

    /**
     * Starts the device.
     *
     * @return the offload, owned by the model that asked for it
     * @throws BackendUnavailableException with a one-line message saying what is missing (the accelerator's runtime, a
     *                               device, a driver) and how to run with it
     */
    ExpertOffload open();
}
