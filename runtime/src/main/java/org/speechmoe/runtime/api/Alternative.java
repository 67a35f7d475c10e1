package org.speechmoe.runtime.api;

/**
 * One of a recognizer's best hypotheses for a recording ({@link RecognizerOptions#alternatives()}).
 *
 * @param text       what may have been said
 * @param confidence its share of the probability among the hypotheses the beam search kept at the end (they sum to at
 *                   most 1 over the whole beam): a measure relative to the other candidates, not an absolute
 *                   probability of being right
 */
public record Alternative(String text, double confidence) {
}
