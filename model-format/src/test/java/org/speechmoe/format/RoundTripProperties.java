package org.speechmoe.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

class RoundTripProperties {
    private static Path dir;

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("smoe-roundtrip");
    }

    @AfterContainer
    static void removeDir() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    record Spec(String name, DType dtype, long[] shape, long seed) {
    }

    @Provide
    Arbitrary<List<Spec>> tensorSpecs() {
        Arbitrary<String> names = Arbitraries.strings().withChars("abcxyz.0123_é▁").ofMinLength(1).ofMaxLength(40);
        Arbitrary<long[]> shapes = Arbitraries.longs().between(0, 70).array(long[].class).ofMinSize(0).ofMaxSize(3);
        Arbitrary<Spec> spec = Combinators.combine(names, Arbitraries.of(DType.class), shapes, Arbitraries.longs())
                .as(Spec::new);
        return spec.list().ofMaxSize(6).uniqueElements(Spec::name);
    }

    @Provide
    Arbitrary<Metadata> metadata() {
        Arbitrary<String> keys = Arbitraries.strings().ofMinLength(1).ofMaxLength(30);
        Arbitrary<Object> values = Arbitraries.oneOf(
                Arbitraries.longs().map(Object.class::cast),
                Arbitraries.doubles().map(Object.class::cast),
                Arbitraries.of(true, false).map(Object.class::cast),
                Arbitraries.strings().ofMaxLength(50).map(Object.class::cast),
                Arbitraries.longs().array(long[].class).ofMaxSize(10).map(Object.class::cast),
                Arbitraries.doubles().array(double[].class).ofMaxSize(10).map(Object.class::cast),
                Arbitraries.strings().ofMaxLength(8).array(String[].class).ofMaxSize(10).map(Object.class::cast));
        return Arbitraries.maps(keys, values).ofMaxSize(8).map(m -> {
            Metadata.Builder b = Metadata.builder();
            m.forEach((k, v) -> {
                switch (v) {
                    case Long l -> b.putLong(k, l);
                    case Double d -> b.putDouble(k, d);
                    case Boolean x -> b.putBoolean(k, x);
                    case String s -> b.putString(k, s);
                    case long[] a -> b.putLongArray(k, a);
                    case double[] a -> b.putDoubleArray(k, a);
                    case String[] a -> b.putStringList(k, List.of(a));
                    default -> throw new AssertionError(v);
                }
            });
            return b.build();
        });
    }

    static float[] randomValues(Spec s) {
        Random r = new Random(s.seed);
        float[] v = new float[Math.toIntExact(Shapes.elementCount(s.shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * Math.exp(r.nextInt(8) - 4));
        }
        return v;
    }

    static Path write(Metadata meta, List<Spec> specs, String file) {
        SmoeWriter w = new SmoeWriter(meta);
        for (Spec s : specs) {
            w.add(s.name, s.dtype, s.shape, TensorCodec.encode(s.dtype, s.shape, randomValues(s)));
        }
        try {
            Path p = dir.resolve(file);
            w.write(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Property(tries = 60)
    void everyTensorAndEveryMetadataEntryComesBack(@ForAll("metadata") Metadata meta,
                                                   @ForAll("tensorSpecs") List<Spec> specs) throws IOException {
        Path p = write(meta, specs, "rt.smoe");
        try (SmoeFile f = SmoeFile.open(p)) {
            assertEquals(meta, f.metadata());
            assertEquals(specs.size(), f.tensors().size());
            for (int i = 0; i < specs.size(); i++) {
                Spec s = specs.get(i);
                TensorInfo t = f.tensors().get(i);
                assertEquals(s.name, t.name());
                assertEquals(s.dtype, t.dtype());
                assertArrayEquals(s.shape, t.shape());
                assertEquals(0, t.offset() % SmoeLayout.ALIGNMENT);
                ByteBuffer expected = TensorCodec.encode(s.dtype, s.shape, randomValues(s));
                assertArrayEquals(expected.array(), f.data(t).toArray(ValueLayout.JAVA_BYTE), t.name());
            }
            assertTrue(f.verifyAll().isEmpty());
        }
    }

    @Property(tries = 30)
    void theSameInputsGiveTheSameBytes(@ForAll("metadata") Metadata meta, @ForAll("tensorSpecs") List<Spec> specs)
            throws IOException {
        byte[] a = Files.readAllBytes(write(meta, specs, "a.smoe"));
        byte[] b = Files.readAllBytes(write(meta, specs, "b.smoe"));
        assertArrayEquals(a, b);
    }

    @Property(tries = 40)
    void decodingAnEncodedTensorStaysWithinItsTypesPrecision(@ForAll("tensorSpecs") List<Spec> specs) {
        for (Spec s : specs) {
            float[] values = randomValues(s);
            ByteBuffer bytes = TensorCodec.encode(s.dtype, s.shape, values);
            float[] back = TensorCodec.decode(s.dtype, s.shape, java.lang.foreign.MemorySegment.ofBuffer(bytes));
            Map<Integer, Float> worst = new LinkedHashMap<>();
            for (int i = 0; i < values.length; i++) {
                float err = Math.abs(values[i] - back[i]);
                float bound = switch (s.dtype) {
                    case F32 -> 0f;
                    case F16 -> Math.max(Math.abs(values[i]) * 0x1p-11f, 0x1p-24f);
                    case BF16 -> Math.abs(values[i]) * 0x1p-8f;
                    case Q8 -> blockMaxAbs(values, s.shape, i) / 127f / 2f * 1.0001f;
                };
                if (err > bound) {
                    worst.put(i, err);
                }
            }
            assertTrue(worst.isEmpty(), s.dtype + " exceeds its bound at " + worst);
        }
    }

    private static float blockMaxAbs(float[] v, long[] shape, int i) {
        int cols = (int) Shapes.cols(shape);
        int rowStart = i / cols * cols;
        int from = rowStart + (i - rowStart) / DType.Q8_BLOCK * DType.Q8_BLOCK;
        int to = Math.min(from + DType.Q8_BLOCK, rowStart + cols);
        float m = 0;
        for (int j = from; j < to; j++) {
            m = Math.max(m, Math.abs(v[j]));
        }
        return m;
    }

    static List<Spec> sample() {
        List<Spec> s = new ArrayList<>();
        s.add(new Spec("blocks.0.w", DType.F32, new long[] {3, 5}, 1));
        s.add(new Spec("blocks.0.q", DType.Q8, new long[] {4, 40}, 2));
        s.add(new Spec("blocks.0.h", DType.F16, new long[] {7}, 3));
        return s;
    }
}
