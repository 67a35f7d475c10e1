package org.speechmoe.runtime.api;

import java.io.IOException;

/**
 * {@link SpeechMoeModel#openDefault()} was called in a build that embeds no default model (the
 * {@code speechmoe-default-model} artifact is not on the class path): open a model file instead.
 */
public final class NoDefaultModelException extends IOException {
    NoDefaultModelException(String message) {
        super(message);
    }
}
