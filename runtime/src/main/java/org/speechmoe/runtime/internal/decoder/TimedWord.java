package org.speechmoe.runtime.internal.decoder;

/**
 * A word joined from decoded tokens: what {@code api.Word} reports.
 *
 * @param confidence the lowest probability among its tokens
 */
public record TimedWord(String text, double start, double end, float confidence) {
}
