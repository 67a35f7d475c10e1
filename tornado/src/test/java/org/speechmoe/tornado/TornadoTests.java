package org.speechmoe.tornado;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.speechmoe.converter.Converter;
import org.speechmoe.format.DType;
import org.speechmoe.format.TensorCodec;
import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.spi.ExpertLayer;
import org.speechmoe.runtime.spi.Matrix;

/** What the TornadoVM tests share: the skip when TornadoVM is absent, random expert layers, fixture models. */
final class TornadoTests {
    static final Path FIXTURES = Path.of("..", "testdata", "fixtures");
    static final Path WAVS = Path.of("..", "testdata", "wav");
    private static final Map<String, Path> CONVERTED = new HashMap<>();

    private TornadoTests() {
    }

    /** Skips the calling test, saying why, when this JVM runs without TornadoVM's flags. */
    static void assumeTornado() {
        assumeTrue(TornadoOffloadProvider.tornadoPresent(), "TornadoVM is not on this JVM: run mvn -Ptornado with "
                + "TORNADOVM_HOME set to a TornadoVM SDK (README: GPU offload)");
    }

    /** A layer of random experts stored as {@code dtype}, as the converter would store them. */
    static ExpertLayer randomLayer(long seed, DType dtype, int experts, int dim, int hidden, Activation act) {
        Random r = new Random(seed);
        return new ExpertLayer(experts, dim, hidden,
                matrix(dtype, experts * hidden, dim, gaussian(r, experts * hidden * dim, 1 / Math.sqrt(dim))),
                gaussian(r, experts * hidden, 0.1),
                matrix(dtype, experts * dim, hidden, gaussian(r, experts * dim * hidden, 1 / Math.sqrt(hidden))),
                gaussian(r, experts * dim, 0.1), act, r.nextBoolean() ? 0.5f : 1f);
    }

    static Matrix matrix(DType dtype, int rows, int cols, float[] values) {
        byte[] bytes = TensorCodec.encode(dtype, new long[] {rows, cols}, values).array();
        return Matrix.of(dtype, rows, cols, MemorySegment.ofArray(bytes));
    }

    static float[] gaussian(Random r, int n, double std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * std);
        }
        return a;
    }

    /** A fixture checkpoint converted with {@code dtype} matrices, once per JVM. */
    static synchronized Path model(String name, DType dtype) {
        return CONVERTED.computeIfAbsent(name + "." + dtype.label(), key -> {
            try {
                Path dir = FIXTURES.resolve(name);
                Path out = Files.createTempFile("speechmoe-tornado-" + key, ".smoe");
                out.toFile().deleteOnExit();
                Converter.convert(new Converter.Request(dir.resolve("train.yaml"), dir.resolve("final.pt"),
                        dir.resolve("units.txt"), dir.resolve("global_cmvn"), out, dtype));
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
