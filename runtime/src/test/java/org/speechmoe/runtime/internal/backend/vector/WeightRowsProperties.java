package org.speechmoe.runtime.internal.backend.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.speechmoe.format.DType;
import org.speechmoe.format.TensorCodec;
import org.speechmoe.runtime.spi.Matrix;

/**
 * Every type's vector decode ({@link WeightRows#of}) against its scalar definition (the codec's
 * {@link org.speechmoe.format.WeightCodec#decodeRows decodeRows}), bit for bit: random bytes (every bit pattern,
 * q8's -128 too) or encoded values, odd column counts, rows from the middle of a matrix and of an expert's slice,
 * in native memory, over a byte[] and over a long[] (which vector loads cannot read, so the fallback runs). NaNs only
 * have to stay NaN: their payload is the hardware's ({@code vcvtph2ps} quiets a signalling NaN, plain Java does not).
 */
@AddLifecycleHook(SkipAtUnsupportedWidth.class)
class WeightRowsProperties {
    enum Storage { NATIVE, BYTES, LONGS }

    @Provide
    Arbitrary<Integer> columns() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(0, 160).map(i -> 2 * i + 1)),
                Tuple.of(1, Arbitraries.integers().between(1, 330)));
    }

    @Property(tries = 1000)
    void vectorDecodeEqualsScalarDecode(@ForAll long seed, @ForAll DType dtype,
                                        @ForAll @IntRange(min = 1, max = 12) int rows,
                                        @ForAll("columns") int cols, @ForAll Storage storage,
                                        @ForAll boolean rawBytes) {
        Random random = new Random(seed);
        Matrix m = Matrix.of(dtype, rows, cols, store(bytes(dtype, rows, cols, rawBytes, random), storage));
        if (rows > 2 && random.nextBoolean()) {
            int first = random.nextInt(rows - 1);
            m = m.rows(first, 1 + random.nextInt(rows - first));
        }
        int from = random.nextInt(m.rows());
        int n = 1 + random.nextInt(m.rows() - from);
        float[] expected = new float[n * cols + 3];
        float[] actual = new float[n * cols + 3];
        Arrays.fill(expected, 12345f);
        Arrays.fill(actual, 12345f);
        dtype.codec().decodeRows(m.values(), m.scales(), from, n, cols, expected, 0);
        WeightRows.of(dtype).decodeRows(m, from, n, actual);
        for (int i = 0; i < expected.length; i++) {
            boolean same = Float.isNaN(expected[i])
                    ? Float.isNaN(actual[i])
                    : Float.floatToRawIntBits(expected[i]) == Float.floatToRawIntBits(actual[i]);
            if (!same) {
                fail(dtype + " " + storage + " " + m.rows() + "x" + cols + " rows " + from + "+" + n + ": [" + i
                        + "] = " + actual[i] + ", the definition gives " + expected[i]);
            }
        }
        float[] row = new float[cols];
        m.decodeRow(from, row);
        assertEquals(Arrays.toString(Arrays.copyOf(expected, cols)), Arrays.toString(row), "Matrix.decodeRow");
    }

    private static byte[] bytes(DType dtype, int rows, int cols, boolean raw, Random random) {
        if (raw) {
            byte[] b = new byte[Math.toIntExact(dtype.codec().byteSize(rows, cols))];
            random.nextBytes(b);
            return b;
        }
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (random.nextInt(10)) {
                case 0 -> 0f;
                case 1 -> -0f;
                case 2 -> (float) random.nextGaussian() * 1e5f;
                case 3 -> (float) random.nextGaussian() * 1e-6f;
                default -> (float) random.nextGaussian();
            };
        }
        return TensorCodec.encode(dtype, new long[] {rows, cols}, values).array();
    }

    private static MemorySegment store(byte[] bytes, Storage storage) {
        MemorySegment source = MemorySegment.ofArray(bytes);
        MemorySegment target = switch (storage) {
            case NATIVE -> Arena.ofAuto().allocate(Math.max(1, bytes.length), 64);
            case BYTES -> MemorySegment.ofArray(new byte[bytes.length]);
            case LONGS -> MemorySegment.ofArray(new long[(bytes.length + 7) / 8]);
        };
        return target.asSlice(0, bytes.length).copyFrom(source);
    }
}
