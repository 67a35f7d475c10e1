package org.speechmoe.runtime.internal.audio;

import java.util.Locale;

/**
 * The sample rates audio may have: 4 kHz to 384 kHz. Below, no speech band is left (telephone audio is 8 kHz) and a
 * damaged header's tiny rate would be resampled into hours of audio; above, no recorder writes, and the resampler's
 * filters grow with the ratio. docs/AUDIO.md gives the range.
 */
public final class SampleRates {
    public static final int MIN = 4_000;
    public static final int MAX = 384_000;

    private SampleRates() {
    }

    /** Refuses a rate outside {@link #MIN}..{@link #MAX} in one line that starts with {@code name}. */
    static void check(double rate, String name) throws AudioFormatException {
        if (!(rate >= MIN && rate <= MAX)) {
            throw new AudioFormatException(name + ": unsupported sample rate " + format(rate) + " Hz (" + MIN + " to "
                    + MAX + " Hz are read)");
        }
    }

    /** For samples that come as an array: the same range, as an {@link IllegalArgumentException}. */
    public static void require(int rate) {
        if (rate < MIN || rate > MAX) {
            throw new IllegalArgumentException("unsupported sample rate " + rate + " Hz (" + MIN + " to " + MAX
                    + " Hz are accepted)");
        }
    }

    private static String format(double rate) {
        return rate == Math.rint(rate) && Math.abs(rate) < 1e15 ? Long.toString((long) rate)
                : String.format(Locale.ROOT, "%.3f", rate);
    }
}
