package org.speechmoe.runtime.internal.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.speechmoe.runtime.internal.audio.Samples;
import org.speechmoe.runtime.internal.audio.WavReader;
import org.speechmoe.format.Npy;

/** WAV -> fbank -> CMVN against what the PyTorch reference (torchaudio's kaldi.fbank) wrote for every fixture. */
class FbankFixtureTest {
    static final Path WAVS = Path.of("../testdata/wav");
    private static final Path FIXTURES = Path.of("../testdata/fixtures");
    private static final float TOLERANCE = 1e-3f;
    private static final FbankExtractor FBANK = new FbankExtractor(16000, 80, 25, 10);

    static Stream<String> stems() throws IOException {
        try (Stream<Path> files = Files.list(WAVS)) {
            List<String> stems = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".wav")).map(n -> n.substring(0, n.length() - 4)).sorted().toList();
            assertTrue(stems.size() >= 3, "fixture WAVs missing from " + WAVS);
            return stems.stream();
        }
    }

    static List<Path> modelDirs() throws IOException {
        try (Stream<Path> dirs = Files.list(FIXTURES)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("global_cmvn"))).sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("stems")
    void fbankAndFeatsMatchTheReference(String stem) throws IOException {
        Samples audio = WavReader.read(WAVS.resolve(stem + ".wav"));
        assertEquals(16000, audio.sampleRate());
        List<Path> models = modelDirs();
        assertTrue(models.size() >= 6, "fixture models missing from " + FIXTURES);
        for (Path model : models) {
            Features fbank = FBANK.compute(audio);
            Npy.Array expectedFbank = Npy.read(model.resolve(stem).resolve("fbank.npy"));
            assertArrayEquals(new int[] {fbank.frames(), fbank.bins()}, expectedFbank.shape(), model + "/" + stem);
            float fbankError = maxAbsDifference(expectedFbank.data(), fbank.data());

            var stats = org.speechmoe.converter.Cmvn.read(model.resolve("global_cmvn"), 80);
            new Cmvn(stats.mean(), stats.istd()).applyInPlace(fbank);
            Npy.Array expectedFeats = Npy.read(model.resolve(stem).resolve("feats.npy"));
            float featsError = maxAbsDifference(expectedFeats.data(), fbank.data());

            System.out.printf("%s/%s: %d frames, max |fbank - ref| = %.3g, max |feats - ref| = %.3g%n",
                    model.getFileName(), stem, fbank.frames(), fbankError, featsError);
            assertTrue(fbankError <= TOLERANCE, model + "/" + stem + ": fbank differs by " + fbankError);
            assertTrue(featsError <= TOLERANCE, model + "/" + stem + ": feats differ by " + featsError);
        }
    }

    private static float maxAbsDifference(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        float max = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i] - actual[i]));
        }
        return max;
    }
}
