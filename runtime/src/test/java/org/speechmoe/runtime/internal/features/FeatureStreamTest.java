package org.speechmoe.runtime.internal.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.speechmoe.runtime.internal.audio.Samples;
import org.speechmoe.runtime.internal.audio.WavReader;

/** Features computed as the samples arrive are bit-identical to the whole recording's. */
class FeatureStreamTest {
    private static final FbankExtractor FBANK = new FbankExtractor(16000, 80, 25, 10);

    static Cmvn cmvn(int bins, long seed) {
        Random r = new Random(seed);
        float[] mean = new float[bins];
        float[] istd = new float[bins];
        for (int b = 0; b < bins; b++) {
            mean[b] = 8 + 4 * r.nextFloat();
            istd[b] = 0.2f + 0.3f * r.nextFloat();
        }
        return new Cmvn(mean, istd);
    }

    static float[] whole(FbankExtractor fbank, Cmvn cmvn, float[] samples) {
        Features f = fbank.compute(samples);
        cmvn.applyInPlace(f);
        return f.data();
    }

    static float[] streamed(FeatureStream stream, float[] samples, Random random, int maxBlock) {
        float[] out = new float[0];
        for (int at = 0; at < samples.length; ) {
            int n = Math.min(random.nextInt(maxBlock + 1), samples.length - at);
            Features f = stream.accept(Arrays.copyOfRange(samples, at, at + n), n);
            assertEquals(stream.numMelBins(), f.bins());
            int old = out.length;
            out = Arrays.copyOf(out, old + f.data().length);
            System.arraycopy(f.data(), 0, out, old, f.data().length);
            at += n;
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("org.speechmoe.runtime.internal.features.FbankFixtureTest#stems")
    void randomBlocksGiveTheWholeRecordingsFeatures(String stem) throws IOException {
        Samples audio = WavReader.read(FbankFixtureTest.WAVS.resolve(stem + ".wav"));
        Cmvn cmvn = cmvn(80, 1);
        float[] want = whole(FBANK, cmvn, audio.samples());
        for (int maxBlock : new int[] {1, 37, 160, 400, 1000, 5000}) {
            FeatureStream stream = new FeatureStream(FBANK, cmvn);
            float[] got = streamed(stream, audio.samples(), new Random(maxBlock), maxBlock);
            assertArrayEquals(want, got, stem + " blocks up to " + maxBlock);
            assertEquals(FBANK.numFrames(audio.samples().length), stream.framesEmitted());
            stream.reset();
            assertArrayEquals(want, streamed(stream, audio.samples(), new Random(3), maxBlock), "after reset");
        }
    }

    @Test
    void framesFurtherApartThanAWindowSkipTheGap() {
        FbankExtractor sparse = new FbankExtractor(8000, 23, 10, 25);   // 80-sample windows every 200 samples
        Cmvn cmvn = cmvn(23, 2);
        float[] samples = new float[3001];
        Random r = new Random(5);
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (float) Math.sin(i * 0.05) * 0.3f + 0.01f * (float) r.nextGaussian();
        }
        float[] want = whole(sparse, cmvn, samples);
        for (int maxBlock : new int[] {1, 50, 333}) {
            assertArrayEquals(want, streamed(new FeatureStream(sparse, cmvn), samples, new Random(maxBlock), maxBlock));
        }
    }
}
