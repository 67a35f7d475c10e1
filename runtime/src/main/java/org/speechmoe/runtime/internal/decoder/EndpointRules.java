package org.speechmoe.runtime.internal.decoder;

import java.util.function.IntPredicate;

/**
 * When an utterance of a stream ends, from what the acoustic model hears in it: the rules of sherpa-onnx and Kaldi's
 * online endpointing. Silence is what the CTC output calls it: the frames after the last one whose most probable
 * token is not the blank ({@link #speechEnd}). This listens to the model rather than to the signal's level alone, so
 * noise or breathing between words does not keep an utterance open, and a quiet speaker is not cut off.
 *
 * @param silenceWithoutSpeech an utterance in which nothing was said ends after this much (seconds): its audio is
 *                             dropped, so that a stream of silence holds nothing
 * @param silenceAfterSpeech   an utterance with speech ends when this much silence follows the speech
 * @param maxUtterance         an utterance ends when it is this long, whatever is in it
 */
public record EndpointRules(double silenceWithoutSpeech, double silenceAfterSpeech, double maxUtterance) {
    /** Which rule ended an utterance. */
    public enum Rule { SILENCE_WITHOUT_SPEECH, SILENCE_AFTER_SPEECH, MAX_LENGTH }

    /** No speech in the utterance: {@link #speechEnd}'s value then. */
    public static final double NO_SPEECH = -1;

    public EndpointRules {
        if (!(silenceWithoutSpeech > 0) || !(silenceAfterSpeech > 0) || !(maxUtterance > 0)) {
            throw new IllegalArgumentException("endpoint rules need positive durations, got " + silenceWithoutSpeech
                    + ", " + silenceAfterSpeech + ", " + maxUtterance);
        }
    }

    /**
     * The rule that ends an utterance of {@code seconds} whose speech ends at {@code speechEnd} (seconds from its
     * start, or {@link #NO_SPEECH}), or null when it goes on.
     */
    public Rule check(double seconds, double speechEnd) {
        if (seconds >= maxUtterance) {
            return Rule.MAX_LENGTH;
        }
        if (speechEnd == NO_SPEECH) {
            return seconds >= silenceWithoutSpeech ? Rule.SILENCE_WITHOUT_SPEECH : null;
        }
        return seconds - speechEnd >= silenceAfterSpeech ? Rule.SILENCE_AFTER_SPEECH : null;
    }

    /**
     * The utterance length (seconds) at which a rule fires when nothing more is said: where a stream should look
     * again, so that it ends the utterance on time rather than at its next partial result.
     */
    public double firing(double speechEnd) {
        double silence = speechEnd == NO_SPEECH ? silenceWithoutSpeech : speechEnd + silenceAfterSpeech;
        return Math.min(silence, maxUtterance);
    }

    /**
     * The end (seconds from the utterance's start) of the last frame whose most probable token is not the blank and
     * that {@code heard} says lies on sound, or {@link #NO_SPEECH} when there is none. The second test keeps a
     * model that writes words into silence (digital zeros, a muted microphone) from holding an utterance open.
     */
    public static double speechEnd(LogProbs logProbs, FrameTiming timing, double duration, IntPredicate heard) {
        for (int t = logProbs.frames() - 1; t >= 0; t--) {
            if (CtcGreedy.argmax(logProbs, t) != LogProbs.BLANK && heard.test(t)) {
                return timing.end(t, duration);
            }
        }
        return NO_SPEECH;
    }
}
