package org.speechmoe.format;

import java.io.IOException;

/**
 * A model file that cannot be used: a {@code .smoe} or {@code .smlm} file that is damaged, truncated, of a newer
 * version, or not a model at all, or an ARPA language model that breaks the format's rules. The message is one line
 * that names the file (and, for a text, the line) and the problem, fit to show a user as it is.
 */
public final class ModelFormatException extends IOException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
