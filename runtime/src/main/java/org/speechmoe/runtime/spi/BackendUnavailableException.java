package org.speechmoe.runtime.spi;

/**
 * A backend or device that was asked for cannot run here: a JVM flag, a module or a device is missing. The message is
 * one line for a user, saying what is missing and how to run with it.
 */
public final class BackendUnavailableException extends IllegalStateException {
    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
