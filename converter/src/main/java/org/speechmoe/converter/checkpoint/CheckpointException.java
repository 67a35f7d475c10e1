package org.speechmoe.converter.checkpoint;

import java.io.IOException;
import java.io.Serial;

/** A checkpoint that cannot be read; the one-line message names the file and the problem, fit to show a user as it is. */
public final class CheckpointException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
