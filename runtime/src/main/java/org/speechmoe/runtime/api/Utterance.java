package org.speechmoe.runtime.api;

/**
 * A stretch of a stream recognized as one: a final result, or the utterance in progress as far as it was heard.
 * Times, its words' and tokens' included, count from the stream's start (or its last
 * {@link StreamingRecognizer#reset()}).
 *
 * @param start      seconds from the stream's start to the utterance's first sample
 * @param end        seconds to its end (for the one in progress: to the end of what its partial result heard)
 * @param transcript what was said in it; its {@code audioSeconds} is the utterance's length and its compute time
 *                   that of the pass that gave it
 * @param ending     why it ended
 */
public record Utterance(double start, double end, Transcript transcript, Ending ending) {
    /** Why an utterance ended. */
    public enum Ending {
        /** Silence after speech, {@link StreamOptions#silenceAfterSpeech()}. */
        SILENCE_AFTER_SPEECH,
        /** It reached {@link StreamOptions#maxUtterance()}. */
        MAX_LENGTH,
        /** The stream finished. */
        END_OF_STREAM,
        /** It has not: a partial result. */
        IN_PROGRESS
    }

    /**
     * @return whether this is a final result
     */
    public boolean isFinal() {
        return ending != Ending.IN_PROGRESS;
    }
}
