package org.speechmoe.runtime.internal.decoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.speechmoe.converter.Units;
import org.speechmoe.format.Npy;

/** The reference fixtures' CTC outputs: one case per model and WAV, with the model's vocabulary. */
record DecoderFixtures(String model, String wav, LogProbs logProbs, int[] greedyIds, List<String> pieces) {
    static final Path ROOT = Path.of("..", "testdata", "fixtures");

    @Override
    public String toString() {
        return model + "/" + wav;
    }

    static List<DecoderFixtures> all() {
        try (Stream<Path> models = Files.list(ROOT)) {
            return models.filter(m -> Files.isRegularFile(m.resolve("units.txt"))).sorted()
                    .flatMap(DecoderFixtures::ofModel).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Stream<DecoderFixtures> ofModel(Path model) {
        try (Stream<Path> wavs = Files.list(model)) {
            List<String> pieces = Units.read(model.resolve("units.txt"));
            return wavs.filter(w -> Files.isRegularFile(w.resolve("logp.npy"))).sorted().map(w -> {
                try {
                    Npy.Array logp = Npy.read(w.resolve("logp.npy"));
                    int[] greedy = Npy.read(w.resolve("greedy_ids.npy")).ints();
                    return new DecoderFixtures(model.getFileName().toString(), w.getFileName().toString(),
                            new LogProbs(logp.data(), logp.dim(0), logp.dim(1)), greedy, pieces);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
