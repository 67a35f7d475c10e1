package org.speechmoe.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.speechmoe.converter.Converter;
import org.speechmoe.format.DType;

/** A small random-weight model converted once per test JVM, and the test WAVs. */
final class TestModel {
    static final Path FIXTURE = Path.of("..", "testdata", "fixtures", "ctc_ln_swish_e2");
    static final Path WAVS = Path.of("..", "testdata", "wav");
    private static Path model;

    private TestModel() {
    }

    static synchronized Path path() {
        if (model == null) {
            try {
                Path dir = Files.createTempDirectory("speechmoe-cli-test");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
                Path out = dir.resolve("m.smoe");
                Converter.convert(new Converter.Request(FIXTURE.resolve("train.yaml"), FIXTURE.resolve("final.pt"),
                        FIXTURE.resolve("units.txt"), FIXTURE.resolve("global_cmvn"), out, DType.F32));
                model = out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return model;
    }

    static Path wav(String name) {
        return WAVS.resolve(name + ".wav");
    }

    static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
