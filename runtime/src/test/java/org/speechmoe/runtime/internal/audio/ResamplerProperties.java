package org.speechmoe.runtime.internal.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class ResamplerProperties {
    @Provide
    Arbitrary<Integer> rates() {
        return Arbitraries.oneOf(Arbitraries.of(8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000, 96000),
                Arbitraries.integers().between(4000, 50000));
    }

    @Property(tries = 40)
    void outputHasOneSampleForEveryOutputInstantInsideTheInput(@ForAll("rates") int source, @ForAll("rates") int target,
            @ForAll @IntRange(max = 3000) int length) {
        Samples out = Resampler.resample(new Samples(new float[length], source), target);
        long expected = ((long) length * target + source - 1) / source;
        assertEquals(expected, out.samples().length);
        assertEquals(expected, Resampler.outputLength(length, source, target));
        assertEquals(target, out.sampleRate());
        // ceil: the last output instant is inside the input, the next one is not.
        assertTrue(expected == 0 || (expected - 1) * source < (long) length * target);
        assertTrue(expected * source >= (long) length * target);
    }

    @Property(tries = 20)
    void aConstantStaysConstantAwayFromTheEdges(@ForAll("rates") int source, @ForAll("rates") int target) {
        int length = source / 4;
        float[] in = new float[length];
        java.util.Arrays.fill(in, 0.25f);
        float[] out = Resampler.resample(new Samples(in, source), target).samples();
        int margin = target / 20;
        for (int i = margin; i < out.length - margin; i++) {
            assertEquals(0.25f, out[i], 5e-4f, "sample " + i + " of " + source + " -> " + target);
        }
    }

    @Property(tries = 50)
    void equalRatesReturnTheSameObject(@ForAll("rates") int rate, @ForAll @IntRange(max = 100) int length) {
        Samples s = new Samples(new float[length], rate);
        assertSame(s, Resampler.resample(s, rate));
    }

    @Property(tries = 40)
    void resamplingAStreamInAnyBlocksEqualsResamplingTheWholeRecording(@ForAll("rates") int source,
            @ForAll("rates") int target, @ForAll @IntRange(max = 40000) int length, @ForAll long seed) {
        java.util.Random random = new java.util.Random(seed);
        float[] in = new float[length];
        for (int i = 0; i < length; i++) {
            in[i] = (float) random.nextGaussian() * 0.3f;
        }
        float[] whole = Resampler.resample(new Samples(in, source), target).samples();
        AudioStream stream = Resampler.resample(Chopped.of(new Samples(in, source), seed), target);
        float[] streamed = Chopped.drain(stream, seed + 1);
        assertEquals(target, stream.sampleRate());
        org.junit.jupiter.api.Assertions.assertArrayEquals(whole, streamed, source + " -> " + target);
    }
}
