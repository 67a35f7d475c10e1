package org.speechmoe.runtime.api;

import java.util.List;

/**
 * What a recognizer heard in one recording.
 *
 * @param text           the words joined by single spaces
 * @param words          words with start/end seconds and a confidence
 * @param tokens         the vocabulary pieces behind the words, with their times
 * @param expertUsage    per MoE block, how its router spread the frames over the experts
 * @param audioSeconds   duration of the audio
 * @param computeSeconds wall-clock time spent recognizing it (features, encoder, decoding)
 * @param alternatives   with beam search, the best distinct texts, best first, at most
 *                       {@link RecognizerOptions#alternatives()}, each with its share of the probability among the
 *                       hypotheses the search kept; for a recording long enough to be recognized in several segments,
 *                       only the text, with the product of the segments' best confidences. Empty with greedy decoding
 *                       (which weighs no alternatives) and when rejected
 * @param rejected       a grammar was given and nothing in it matched the audio well enough: the text is empty
 */
public record Transcript(String text, List<Word> words, List<Token> tokens, List<ExpertUsage> expertUsage,
                         double audioSeconds, double computeSeconds, List<Alternative> alternatives,
                         boolean rejected) {
    /**
     * Copies the lists.
     *
     * @throws NullPointerException when a list is or holds null
     */
    public Transcript {
        words = List.copyOf(words);
        tokens = List.copyOf(tokens);
        expertUsage = List.copyOf(expertUsage);
        alternatives = List.copyOf(alternatives);
    }

    /**
     * Compute time per second of audio.
     *
     * @return {@code computeSeconds / audioSeconds}: below 1 is faster than real time; 0 for empty audio
     */
    public double realtimeFactor() {
        return audioSeconds == 0 ? 0 : computeSeconds / audioSeconds;
    }
}
