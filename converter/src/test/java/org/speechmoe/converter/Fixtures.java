package org.speechmoe.converter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.speechmoe.format.DType;

/** The committed fixture models of testdata/fixtures (made by reference/make_fixtures.py). */
final class Fixtures {
    static final Path ROOT = Path.of("..", "testdata", "fixtures");

    private Fixtures() {
    }

    static List<String> models() {
        try (Stream<Path> s = Files.list(ROOT)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("final.pt"))).map(p -> p.getFileName().toString())
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path dir(String model) {
        return ROOT.resolve(model);
    }

    static Converter.Request request(String model, Path output, DType dtype) {
        return request(dir(model), dir(model).resolve("final.pt"), output, dtype);
    }

    static Converter.Request request(Path dir, Path checkpoint, Path output, DType dtype) {
        return new Converter.Request(dir.resolve("train.yaml"), checkpoint, dir.resolve("units.txt"),
                dir.resolve("global_cmvn"), output, dtype);
    }

    /** A copy of a fixture model's four files in {@code into}, to be altered by a test. */
    static Path copy(String model, Path into) throws IOException {
        Path to = Files.createDirectories(into.resolve(model));
        for (String f : List.of("train.yaml", "final.pt", "units.txt", "global_cmvn")) {
            Files.copy(dir(model).resolve(f), to.resolve(f));
        }
        return to;
    }
}
