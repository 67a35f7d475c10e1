package org.speechmoe.format;

import java.io.IOException;

/**
 * A {@code .smoe} file that cannot be used: damaged, truncated, of a newer version, or not a model at all.
 * The message is one line that names the file and the problem, fit to show a user as it is.
 */
public final class ModelFormatException extends IOException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
