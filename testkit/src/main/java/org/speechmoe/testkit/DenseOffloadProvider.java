package org.speechmoe.testkit;

import java.util.concurrent.Callable;
import org.speechmoe.runtime.spi.ExpertOffload;
import org.speechmoe.runtime.spi.ExpertOffloadProvider;

/**
 * Lends the runtime the {@link DenseExpertOffload} through the offload SPI. The runtime knows one offloading device,
 * {@code gpu}; this provider answers to that name only on a thread inside {@link #lend}, so that anywhere else a real
 * GPU module on the class path is found as usual.
 */
public final class DenseOffloadProvider implements ExpertOffloadProvider {
    private static final ThreadLocal<DenseExpertOffload> LENDING = new ThreadLocal<>();

    /** The name outside {@link #lend}: no device that a user can select. */
    static final String IDLE_NAME = "speechmoe-testkit-dense";

    /** Runs {@code body} (which creates the recognizers) with {@code gpu} meaning {@code offload}. */
    static <T> T lend(DenseExpertOffload offload, Callable<T> body) throws Exception {
        LENDING.set(offload);
        try {
            return body.call();
        } finally {
            LENDING.remove();
        }
    }

    @Override
    public String device() {
        return LENDING.get() == null ? IDLE_NAME : "gpu";
    }

    @Override
    public ExpertOffload open() {
        DenseExpertOffload offload = LENDING.get();
        if (offload == null) {
            throw new IllegalStateException("the testkit's dense experts are lent only inside its checks");
        }
        return offload;
    }
}
