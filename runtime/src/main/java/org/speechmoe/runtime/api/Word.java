package org.speechmoe.runtime.api;

/**
 * One recognised word: consecutive tokens joined as their pieces say.
 *
 * @param text       the word, without word-start marks
 * @param start      seconds from the start of the audio: the start of its first token
 * @param end        seconds from the start of the audio: the end of its last token
 * @param confidence the lowest probability among its tokens: one doubtful piece is enough to make the whole word
 *                   wrong, and a mean over the pieces would hide it in long words
 */
public record Word(String text, double start, double end, float confidence) {
}
