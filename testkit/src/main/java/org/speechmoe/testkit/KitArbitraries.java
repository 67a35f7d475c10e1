package org.speechmoe.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * The generators of the kit's properties: audio (generated signals, and excerpts of a user's recordings) and
 * relabellings of the experts. All shrink towards short, simple inputs: fewer parts, lower levels and frequencies,
 * shorter excerpts.
 */
public final class KitArbitraries {
    /** The shortest audio generated: enough for a few output frames. */
    static final int MIN_CENTISECONDS = 20;

    private KitArbitraries() {
    }

    /**
     * Generated signals of up to {@code maxSeconds}.
     *
     * @param maxSeconds the longest signal
     * @return recipes of sums of up to three tones, noises, sweeps and click trains
     */
    public static Arbitrary<SignalRecipe> signals(double maxSeconds) {
        Arbitrary<SignalRecipe.Part> part = Combinators.combine(Arbitraries.of(SignalRecipe.Kind.class),
                        Arbitraries.integers().between(50, 7000), Arbitraries.integers().between(1, 100))
                .as(SignalRecipe.Part::new);
        return Combinators.combine(Arbitraries.integers().between(MIN_CENTISECONDS,
                                Math.max(MIN_CENTISECONDS, (int) (maxSeconds * 100))),
                        part.list().ofMinSize(0).ofMaxSize(3))
                .as(SignalRecipe::new);
    }

    /**
     * Excerpts of up to {@code maxSeconds} from the recordings.
     *
     * @param recordings the user's audio, read once
     * @param maxSeconds the longest excerpt
     * @return excerpts, described by file and times
     */
    public static Arbitrary<KitAudio> excerpts(List<KitAudio> recordings, double maxSeconds) {
        return Combinators.combine(Arbitraries.integers().between(0, recordings.size() - 1),
                        Arbitraries.integers().between(0, 999),
                        Arbitraries.integers().between(MIN_CENTISECONDS, Math.max(MIN_CENTISECONDS,
                                (int) (maxSeconds * 100))))
                .as((file, startPermille, centiseconds) -> excerpt(recordings.get(file), startPermille, centiseconds));
    }

    private static KitAudio excerpt(KitAudio a, int startPermille, int centiseconds) {
        int total = a.samples().length;
        int length = (int) Math.min(total, (long) centiseconds * a.sampleRate() / 100);
        int start = (int) ((long) (total - length) * startPermille / 1000);
        float[] s = Arrays.copyOfRange(a.samples(), start, start + length);
        return new KitAudio(String.format(Locale.ROOT, "%s from %.2f s to %.2f s", a.description(),
                (double) start / a.sampleRate(), (double) (start + length) / a.sampleRate()), s, a.sampleRate());
    }

    /**
     * Generated signals, and excerpts of {@code recordings} when there are any (three times as often).
     *
     * @param recordings the user's audio files, possibly none
     * @param maxSeconds the longest input
     * @return audio to check
     */
    public static Arbitrary<KitAudio> audio(List<Path> recordings, double maxSeconds) {
        Arbitrary<KitAudio> generated = signals(maxSeconds).map(SignalRecipe::audio);
        if (recordings.isEmpty()) {
            return generated;
        }
        List<KitAudio> read = new ArrayList<>();
        for (Path p : recordings) {
            try {
                read.add(AudioFiles.read(p));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Arbitraries.frequencyOf(Tuple.of(1, generated),
                Tuple.of(3, excerpts(read, maxSeconds)));
    }

    /**
     * Relabellings of {@code experts} experts in each of {@code layers} layers.
     *
     * @param layers  MoE layers
     * @param experts experts per layer
     * @return per layer, the new label of each expert
     */
    public static Arbitrary<Relabelling> relabellings(int layers, int experts) {
        List<Integer> labels = IntStream.range(0, experts).boxed().toList();
        return Arbitraries.shuffle(labels).list().ofSize(layers)
                .map(perLayer -> perLayer.stream().map(p -> p.stream().mapToInt(Integer::intValue).toArray())
                        .toArray(int[][]::new)).map(Relabelling::new);
    }
}
