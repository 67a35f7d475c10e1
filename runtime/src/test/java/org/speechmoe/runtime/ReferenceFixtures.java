package org.speechmoe.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.speechmoe.converter.Converter;
import org.speechmoe.format.DType;
import org.speechmoe.format.Npy;

/**
 * The PyTorch reference fixtures (testdata/fixtures, made by reference/make_fixtures.py), and each fixture model
 * converted to .smoe once per test JVM.
 */
public final class ReferenceFixtures {
    public static final Path ROOT = Path.of("..", "testdata", "fixtures");
    private static final ConcurrentHashMap<String, Path> CONVERTED = new ConcurrentHashMap<>();
    private static Path scratch;

    private ReferenceFixtures() {
    }

    public static List<String> models() {
        try (Stream<Path> s = Files.list(ROOT)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("final.pt"))).map(p -> p.getFileName().toString())
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The WAV stems that have fixtures for {@code model}. */
    public static List<String> utterances(String model) {
        try (Stream<Path> s = Files.list(ROOT.resolve(model))) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Npy.Array array(String model, String utterance, String name) {
        try {
            return Npy.read(ROOT.resolve(model).resolve(utterance).resolve(name + ".npy"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path wav(String utterance) {
        return ROOT.getParent().resolve("wav").resolve(utterance + ".wav");
    }

    /** The fixture model converted with {@code dtype} matrices, made once and reused. */
    public static synchronized Path smoe(String model, DType dtype) {
        return CONVERTED.computeIfAbsent(model + "." + dtype.label(), key -> {
            try {
                if (scratch == null) {
                    scratch = Files.createTempDirectory("speechmoe-fixtures");
                    scratch.toFile().deleteOnExit();
                }
                Path dir = ROOT.resolve(model);
                Path out = scratch.resolve(key + ".smoe");
                Converter.convert(new Converter.Request(dir.resolve("train.yaml"), dir.resolve("final.pt"),
                        dir.resolve("units.txt"), dir.resolve("global_cmvn"), out, dtype));
                out.toFile().deleteOnExit();
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
