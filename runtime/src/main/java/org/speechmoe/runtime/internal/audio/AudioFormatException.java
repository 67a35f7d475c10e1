package org.speechmoe.runtime.internal.audio;

import java.io.IOException;

/**
 * Audio that cannot be used. The message is one line that names the file (or "stream") and the problem, and is meant to
 * be shown to a user as is.
 */
public class AudioFormatException extends IOException {
    public AudioFormatException(String message) {
        super(message);
    }
}
