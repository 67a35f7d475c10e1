package org.speechmoe.runtime.api;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A phrase a recognizer should favour (a name, a command): while the beam search spells it, every character of it
 * adds {@code boost} to the hypothesis' score (natural log), and a hypothesis that leaves the phrase half-way gives the
 * bonus back, so only whole phrases gain.
 *
 * @param phrase the words, as the model spells them (lower case for the default model)
 * @param boost  the bonus per character, or empty for {@link RecognizerOptions#hotwordBoost()}
 */
public record Hotword(String phrase, OptionalDouble boost) {
    /**
     * Checks the phrase and boost.
     *
     * @throws NullPointerException     when an argument is null
     * @throws IllegalArgumentException when the phrase is blank or the boost not finite
     */
    public Hotword {
        Objects.requireNonNull(phrase, "phrase");
        Objects.requireNonNull(boost, "boost");
        if (phrase.isBlank()) {
            throw new IllegalArgumentException("a hotword phrase is empty");
        }
        if (boost.isPresent() && !Double.isFinite(boost.getAsDouble())) {
            throw new IllegalArgumentException("hotword '" + phrase + "' has boost " + boost.getAsDouble());
        }
    }

    /**
     * A phrase with the options' boost.
     *
     * @param phrase the words
     * @return the hotword
     */
    public static Hotword of(String phrase) {
        return new Hotword(phrase, OptionalDouble.empty());
    }

    /**
     * A phrase with a boost of its own.
     *
     * @param phrase the words
     * @param boost  the bonus per character (natural log)
     * @return the hotword
     */
    public static Hotword of(String phrase, double boost) {
        return new Hotword(phrase, OptionalDouble.of(boost));
    }
}
