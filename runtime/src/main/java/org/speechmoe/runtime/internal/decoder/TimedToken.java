package org.speechmoe.runtime.internal.decoder;

/**
 * A decoded vocabulary token with its place in the audio: what {@code api.Token} reports, kept in the decoder's own
 * type so that the decoder needs nothing from the layers above it.
 *
 * @param text        the piece as in the vocabulary, word-start mark included
 * @param start       seconds from the start of the audio
 * @param end         seconds from the start of the audio, {@code >= start}
 * @param probability the token's peak posterior over the frames that emit it
 */
public record TimedToken(int id, String text, double start, double end, float probability) {
}
