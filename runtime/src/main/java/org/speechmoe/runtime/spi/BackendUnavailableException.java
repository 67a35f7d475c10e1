package org.speechmoe.runtime.spi;

/**
 * A backend or device that was asked for cannot run here: a JVM flag, a module or a device is missing. The message is
 * one line for a user, saying what is missing and how to run with it.
 */
public final class BackendUnavailableException extends IllegalStateException {
    /**
     * A refusal without a cause.
     *
     * @param message one line: what is missing and how to run with it
     */
    public BackendUnavailableException(String message) {
        super(message);
    }

    /**
     * A refusal caused by what the backend or device reported.
     *
     * @param message one line: what is missing and how to run with it
     * @param cause   what the backend or device reported
     */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
