package org.speechmoe.runtime.internal.decoder;

/**
 * A token of a decoded sequence together with where its alignment emits it: the consecutive output frames
 * {@code firstFrame..lastFrame} (inclusive) that carry it, and its highest posterior over those frames.
 */
public record EmittedToken(int id, int firstFrame, int lastFrame, float probability) {
    public EmittedToken {
        if (firstFrame < 0 || lastFrame < firstFrame) {
            throw new IllegalArgumentException("bad frame span " + firstFrame + ".." + lastFrame);
        }
    }
}
