package org.speechmoe.testkit;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * A generated test signal, kept as the few numbers it is made from so that jqwik shrinks it to a short, plain one
 * and reports it readably: a length and a sum of parts (tones, noise, rising sweeps, clicks), each with its level.
 *
 * @param centiseconds the length, in hundredths of a second
 * @param parts        what is added up
 */
public record SignalRecipe(int centiseconds, List<Part> parts) {
    /** The rate the signals are generated at. */
    public static final int SAMPLE_RATE = 16000;

    /** What a part is. */
    public enum Kind {
        /** A sine at {@code hertz}. */
        TONE,
        /** White noise, {@code hertz} seeding it. */
        NOISE,
        /** A sweep from {@code hertz} to four times that. */
        SWEEP,
        /** A click every {@code hertz / 10} milliseconds. */
        CLICKS
    }

    /**
     * One part of the signal.
     *
     * @param kind    what it is
     * @param hertz   its frequency (the seed for noise)
     * @param percent its level, in percent of full scale
     */
    public record Part(Kind kind, int hertz, int percent) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s %d at %d%%", kind.name().toLowerCase(Locale.ROOT), hertz, percent);
        }
    }

    /**
     * The samples, at {@link #SAMPLE_RATE}, clipped to [-1, 1].
     *
     * @return the audio, described by the recipe
     */
    public KitAudio audio() {
        int n = centiseconds * SAMPLE_RATE / 100;
        float[] s = new float[n];
        for (Part p : parts) {
            double level = p.percent() / 100.0;
            Random noise = new Random(p.hertz());
            int clickEvery = Math.max(1, p.hertz() * SAMPLE_RATE / 10_000);
            for (int i = 0; i < n; i++) {
                double t = (double) i / SAMPLE_RATE;
                double seconds = (double) n / SAMPLE_RATE;
                s[i] += (float) (level * switch (p.kind()) {
                    case TONE -> Math.sin(2 * Math.PI * p.hertz() * t);
                    case NOISE -> 2 * noise.nextDouble() - 1;
                    case SWEEP -> Math.sin(2 * Math.PI * p.hertz() * (t + 1.5 * t * t / seconds));
                    case CLICKS -> i % clickEvery == 0 ? 1 : 0;
                });
            }
        }
        for (int i = 0; i < n; i++) {
            s[i] = Math.clamp(s[i], -1f, 1f);
        }
        return new KitAudio(toString(), s, SAMPLE_RATE);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "generated %.2f s: %s", centiseconds / 100.0, parts.isEmpty() ? "silence"
                : parts.stream().map(Part::toString).collect(Collectors.joining(" + ")));
    }
}
