package org.speechmoe.runtime.api;

/**
 * One recognised vocabulary token.
 *
 * @param id          the token id in the model's vocabulary
 * @param text        the piece exactly as in {@code units.txt}, word-start mark {@code ▁} included
 * @param start       seconds from the start of the audio
 * @param end         seconds from the start of the audio, {@code >= start}
 * @param probability the highest posterior the model gave this token over the output frames that emit it: CTC
 *                    posteriors are peaky, so the peak is the model's belief in the token, whereas a mean would be
 *                    dragged down by the frames where the token is only fading in or out
 */
public record Token(int id, String text, double start, double end, float probability) {
}
