package org.speechmoe.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.speechmoe.converter.Converter;
import org.speechmoe.format.DType;
import org.speechmoe.runtime.api.SpeechMoeModel;

/** The models the kit's own tests run on: the fixture checkpoints converted once per JVM, and the default model. */
final class KitFixtures {
    static final Path ROOT = Path.of("..", "testdata", "fixtures");
    private static final Map<String, Path> CONVERTED = new ConcurrentHashMap<>();

    private KitFixtures() {
    }

    static List<String> models() {
        try (Stream<Path> s = Files.list(ROOT)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("final.pt"))).map(p -> p.getFileName().toString())
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> wavs() {
        return Stream.of("chirp", "vowels", "mixed").map(n -> ROOT.getParent().resolve("wav").resolve(n + ".wav"))
                .toList();
    }

    static Path smoe(String model, DType dtype) {
        return CONVERTED.computeIfAbsent(model + "." + dtype.label(), key -> {
            try {
                Path dir = ROOT.resolve(model);
                Path out = Files.createTempFile("speechmoe-testkit-" + key, ".smoe");
                out.toFile().deleteOnExit();
                Converter.convert(new Converter.Request(dir.resolve("train.yaml"), dir.resolve("final.pt"),
                        dir.resolve("units.txt"), dir.resolve("global_cmvn"), out, dtype));
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static Path defaultModel() {
        try {
            try (SpeechMoeModel m = SpeechMoeModel.openDefault()) {
                return m.path();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
