package org.speechmoe.runtime.internal.backend.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import org.speechmoe.format.Bf16Codec;
import org.speechmoe.format.DType;
import org.speechmoe.format.F16Codec;
import org.speechmoe.format.TensorCodec;
import org.speechmoe.runtime.internal.backend.AttentionInputs;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.backend.Epilogue;
import org.speechmoe.runtime.internal.backend.ScalarBackend;
import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.spi.ExpertLayer;
import org.speechmoe.runtime.spi.Matrix;

/**
 * {@link VectorBackend} against the {@link ScalarBackend} specification.
 *
 * <p>Tolerance: the two backends sum dot products in different orders (lane-wise, then reduced), and SWISH / softmax
 * use a float exp instead of a double one. So an output built from the products {@code x_i·w_i} may differ by
 * {@code 1e-5 · (Σ|x_i·w_i| + |bias|) · |scale · rowScale|}, plus a few ulps of the stored value
 * ({@code 1e-6 · (|expected| + |previous|)}). The weights the bound uses are the decoded ones: decoding itself must be
 * exact, which the decode examples check bit for bit.
 */
@AddLifecycleHook(SkipAtUnsupportedWidth.class)
class VectorBackendProperties {
    private static final double RELATIVE = 1e-5;
    private static final ForkJoinPool POOL = new ForkJoinPool(3);
    private static final Arena ARENA = Arena.ofShared();

    @AfterContainer
    static void close() {
        POOL.shutdownNow();
    }

    /** 1..3 threads; the parallel ones split even tiny problems (threshold 0) so that splitting is tested too. */
    private static VectorBackend vector(int threads) {
        return threads == 1 ? new VectorBackend(1) : new VectorBackend(threads, POOL, 0);
    }

    private static float[] randoms(Random random, int n, float range) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (random.nextFloat() * 2 - 1) * range;
        }
        return a;
    }

    /** A matrix stored in {@code dtype}, on the heap (byte[]) or natively (as the mapped model is). */
    static Matrix matrix(DType dtype, int rows, int cols, float[] values, boolean nativeMemory) {
        ByteBuffer bytes = TensorCodec.encode(dtype, new long[] {rows, cols}, values);
        MemorySegment segment = MemorySegment.ofBuffer(bytes);
        if (nativeMemory) {
            MemorySegment copy = ARENA.allocate(Math.max(1, segment.byteSize()), 64);
            MemorySegment.copy(segment, 0, copy, 0, segment.byteSize());
            segment = copy.asSlice(0, segment.byteSize());
        }
        return Matrix.of(dtype, rows, cols, segment);
    }

    // ------------------------------------------------------------------------------------------------------------
    // matmul

    record MatmulCase(long seed, int rows, int in, int out, DType dtype, boolean bias, Activation activation,
                      boolean scaled, boolean rowScale, boolean accumulate, int xOffset, int yOffset, int threads,
                      boolean nativeMemory) {
    }

    @Provide
    Arbitrary<MatmulCase> matmuls() {
        Arbitrary<Integer> in = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(1, 200)),
                Tuple.of(1, Arbitraries.integers().between(1, 17)));
        // flags: bit 0 bias, 1 scale, 2 rowScale, 3 accumulate, 4 native memory; offsets come from the seed
        return Combinators.combine(Arbitraries.longs(), Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.integers().between(0, 70)), Tuple.of(1, Arbitraries.integers().between(40, 140))), in,
                        Arbitraries.integers().between(1, 150), Arbitraries.of(DType.class),
                        Arbitraries.of(Activation.class), Arbitraries.integers().between(1, 3),
                        Arbitraries.integers().between(0, 31))
                .as((seed, rows, n, out, dtype, act, threads, f) -> new MatmulCase(seed, rows, n, out, dtype,
                        (f & 1) != 0, act, (f & 2) != 0, (f & 4) != 0, (f & 8) != 0, (int) (seed & 7),
                        (int) ((seed >>> 3) & 7), threads, (f & 16) != 0));
    }

    @Property(tries = 400)
    void matmulEqualsScalar(@ForAll("matmuls") MatmulCase c) {
        checkMatmul(c, vector(c.threads()));
    }

    /** Big enough for the default threshold to split it over threads, with both row and column splits. */
    @Example
    void largeMatmulsOnTheSharedPoolEqualScalar() {
        VectorBackend backend = new VectorBackend(2);
        long seed = 7;
        for (DType dtype : DType.values()) {
            checkMatmul(new MatmulCase(seed++, 300, 257, 131, dtype, true, Activation.SWISH, true, true, true, 3, 5,
                    2, true), backend);
            checkMatmul(new MatmulCase(seed++, 1000, 96, 7, dtype, true, Activation.RELU, false, false, false, 0, 0,
                    2, false), backend);
            checkMatmul(new MatmulCase(seed++, 2, 700, 1100, dtype, false, Activation.NONE, false, false, true, 1, 0,
                    2, false), backend);
            // a few inputs (the first subsampling convolution: 9 taps), every epilogue but swish, a column tail
            checkMatmul(new MatmulCase(seed++, 1300, 9, 144, dtype, true, Activation.RELU, false, false, false, 0, 0,
                    2, true), backend);
            checkMatmul(new MatmulCase(seed++, 500, 16, 50, dtype, true, Activation.NONE, true, true, true, 7, 3,
                    2, false), backend);
            checkMatmul(new MatmulCase(seed++, 200, 3, 13, dtype, false, Activation.RELU, false, true, false, 0, 1,
                    2, false), backend);
        }
    }

    private static void checkMatmul(MatmulCase c, Backend backend) {
        Random random = new Random(c.seed());
        float[] weights = randoms(random, c.out() * c.in(), 1f);
        // a few exact zeros and large values, as trained weights have
        for (int i = 0; i < weights.length; i += 1 + random.nextInt(40)) {
            weights[i] = random.nextBoolean() ? 0f : weights[i] * 30f;
        }
        Matrix w = matrix(c.dtype(), c.out(), c.in(), weights, c.nativeMemory());
        float[] decoded = new float[c.out() * c.in()];
        float[] row = new float[c.in()];
        for (int o = 0; o < c.out(); o++) {
            w.decodeRow(o, row);
            System.arraycopy(row, 0, decoded, o * c.in(), c.in());
        }
        float[] x = randoms(random, c.xOffset() + c.rows() * c.in() + 3, 2f);
        float[] bias = c.bias() ? randoms(random, c.out(), 1f) : null;
        float scale = c.scaled() ? 0.5f + random.nextFloat() : 1f;
        float[] rowScale = c.rowScale() ? randoms(random, c.rows(), 1f) : null;
        Epilogue epilogue = new Epilogue(bias, c.activation(), scale, rowScale, c.accumulate());
        float[] before = randoms(random, c.yOffset() + c.rows() * c.out() + 4, 3f);
        float[] expected = before.clone();
        float[] actual = before.clone();
        new ScalarBackend().matmul(x, c.xOffset(), c.rows(), w, expected, c.yOffset(), epilogue);
        backend.matmul(x, c.xOffset(), c.rows(), w, actual, c.yOffset(), epilogue);
        for (int i = 0; i < before.length; i++) {
            int r = (i - c.yOffset()) / c.out();
            if (i < c.yOffset() || r >= c.rows()) {
                assertEquals(before[i], actual[i], "outside the output at " + i);
                continue;
            }
            int o = (i - c.yOffset()) % c.out();
            double magnitude = bias == null ? 0 : Math.abs(bias[o]);
            for (int k = 0; k < c.in(); k++) {
                magnitude += Math.abs((double) x[c.xOffset() + r * c.in() + k] * decoded[o * c.in() + k]);
            }
            double s = Math.abs(scale * (rowScale == null ? 1f : rowScale[r]));
            double tolerance = RELATIVE * magnitude * s * 1.1 + 1e-6 * (Math.abs(expected[i]) + Math.abs(before[i]))
                    + 1e-30;
            if (!(Math.abs(expected[i] - actual[i]) <= tolerance)) {
                fail(c + ": y[" + r + ", " + o + "] = " + actual[i] + ", scalar " + expected[i] + " (tolerance "
                        + tolerance + ")");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // weight decoding: exact

    @Example
    void everyF16AndBf16ValueDecodesExactly() {
        float[] all = new float[65536];
        for (DType dtype : new DType[] {DType.F16, DType.BF16}) {
            byte[] bytes = new byte[2 * 65536];
            for (int i = 0; i < 65536; i++) {
                bytes[2 * i] = (byte) i;
                bytes[2 * i + 1] = (byte) (i >>> 8);
            }
            for (boolean nativeMemory : new boolean[] {false, true}) {
                MemorySegment segment = MemorySegment.ofArray(bytes);
                if (nativeMemory) {
                    segment = ARENA.allocate(bytes.length).copyFrom(segment);
                }
                Matrix m = Matrix.of(dtype, 1, 65536, segment);
                Arrays.fill(all, -1f);
                WeightRows.decode(m, 0, 1, all);
                for (int i = 0; i < 65536; i++) {
                    float expected = dtype == DType.F16 ? F16Codec.decode((short) i) : Bf16Codec.decode((short) i);
                    if (Float.isNaN(expected)) {
                        assertTrue(Float.isNaN(all[i]), dtype + " 0x" + Integer.toHexString(i));
                    } else {
                        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(all[i]),
                                dtype + " 0x" + Integer.toHexString(i) + ": " + all[i] + " instead of " + expected);
                    }
                }
            }
        }
    }

    @Property(tries = 60)
    void rowsDecodeExactlyAsMatrixDecodeRow(@ForAll long seed, @ForAll DType dtype,
                                            @ForAll @IntRange(min = 1, max = 9) int rows,
                                            @ForAll @IntRange(min = 1, max = 150) int cols,
                                            @ForAll boolean nativeMemory) {
        Random random = new Random(seed);
        Matrix m = matrix(dtype, rows, cols, randoms(random, rows * cols, 100f), nativeMemory);
        int from = random.nextInt(rows);
        int n = 1 + random.nextInt(rows - from);
        float[] actual = new float[n * cols];
        WeightRows.decode(m, from, n, actual);
        float[] row = new float[cols];
        for (int r = 0; r < n; r++) {
            m.decodeRow(from + r, row);
            assertArrayEquals(row, Arrays.copyOfRange(actual, r * cols, (r + 1) * cols));
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // attention and depthwise convolution

    @Property(tries = 150)
    void attentionEqualsScalar(@ForAll long seed, @ForAll @IntRange(min = 1, max = 60) int frames,
                               @ForAll @IntRange(min = 1, max = 4) int heads,
                               @ForAll @IntRange(min = 1, max = 20) int dk,
                               @ForAll @IntRange(min = 1, max = 3) int threads) {
        checkAttention(seed, frames, frames, heads, dk, vector(threads));
    }

    /** The last frames of a sequence against its cached prefix and themselves: fewer queries than keys. */
    @Property(tries = 150)
    void attentionOfTheLastFramesEqualsScalar(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int queries,
                                              @ForAll @IntRange(min = 1, max = 60) int prefix,
                                              @ForAll @IntRange(min = 1, max = 4) int heads,
                                              @ForAll @IntRange(min = 1, max = 20) int dk,
                                              @ForAll @IntRange(min = 1, max = 3) int threads) {
        checkAttention(seed, queries, prefix + queries, heads, dk, vector(threads));
    }

    @Example
    void paperSizedAttentionEqualsScalar() {
        checkAttention(3, 203, 203, 4, 64, new VectorBackend(2));
        checkAttention(4, 37, 37, 8, 64, vector(3));
        checkAttention(5, 16, 203, 4, 64, new VectorBackend(2));
        checkAttention(6, 1, 240, 8, 64, vector(3));
    }

    /**
     * A query's row does not depend on the queries computed with it: the last n queries against all keys give, bit
     * for bit, the last n rows of attention over the whole sequence, however the rows fall into tiles and threads.
     */
    @Property(tries = 100)
    void theLastQueriesGiveTheLastRowsOfFullAttention(@ForAll long seed,
                                                      @ForAll @IntRange(min = 1, max = 70) int frames,
                                                      @ForAll @IntRange(min = 1, max = 3) int heads,
                                                      @ForAll @IntRange(min = 1, max = 20) int dk,
                                                      @ForAll @IntRange(min = 1, max = 3) int threads) {
        Random random = new Random(seed);
        int queries = 1 + random.nextInt(frames);
        AttentionInputs all = AttentionInputs.random(random, frames, frames, heads, dk);
        float[] full = all.attend(vector(threads));
        assertArrayEquals(Arrays.copyOfRange(full, (frames - queries) * all.d(), frames * all.d()),
                all.lastQueries(queries).attend(vector(threads)), queries + " of " + frames + " frames");
    }

    private static void checkAttention(long seed, int queries, int keys, int heads, int dk, Backend backend) {
        AttentionInputs in = AttentionInputs.random(new Random(seed), queries, keys, heads, dk);
        int d = in.d();
        float[] expected = in.attend(new ScalarBackend());
        float[] actual = in.attend(backend);
        // out is a convex combination of v's column: the softmax weights may differ by a relative 1e-5·|score|
        for (int i = 0; i < expected.length; i++) {
            int col = i % d;
            float maxV = 0f;
            for (int s = 0; s < keys; s++) {
                maxV = Math.max(maxV, Math.abs(in.v()[s * d + col]));
            }
            double tolerance = 1e-4 * maxV * Math.max(1, Math.sqrt(dk)) + 1e-7;
            if (!(Math.abs(expected[i] - actual[i]) <= tolerance)) {
                fail(queries + " queries, " + keys + " keys, heads " + heads + " d_k " + dk + ": out[" + i / d + ", "
                        + col + "] = " + actual[i] + ", scalar " + expected[i]);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // light operations

    private static void assertClose(String what, float[] expected, float[] actual, double relative, double absolute) {
        for (int i = 0; i < expected.length; i++) {
            double tolerance = relative * Math.abs(expected[i]) + absolute;
            if (!(Math.abs(expected[i] - actual[i]) <= tolerance)) {
                fail(what + ": [" + i + "] = " + actual[i] + ", scalar " + expected[i]);
            }
        }
    }

    /**
     * Float lane sums instead of double ones: the normalized values may differ by a relative 1e-5 of their
     * magnitude before the affine map (the inputs' mean is kept well away from cancellation).
     */
    @Property(tries = 150)
    void layerNormEqualsScalar(@ForAll long seed, @ForAll @IntRange(min = 1, max = 30) int frames,
                               @ForAll @IntRange(min = 1, max = 300) int channels,
                               @ForAll @IntRange(min = 1, max = 3) int threads, @ForAll boolean inPlace) {
        Random random = new Random(seed);
        float[] x = randoms(random, frames * channels, 3f);
        float[] weight = randoms(random, channels, 2f);
        float[] bias = randoms(random, channels, 1f);
        float[] expected = new float[x.length];
        new ScalarBackend().layerNorm(x, frames, weight, bias, 1e-5f, expected);
        float[] actual = inPlace ? x.clone() : new float[x.length];
        vector(threads).layerNorm(inPlace ? actual : x, frames, weight, bias, 1e-5f, actual);
        assertClose("layerNorm " + frames + "x" + channels, expected, actual, 1e-5, 2e-5 * 2 * 4);
    }

    /** The same operations in the same order, one multiply-add fused: within an ulp. */
    @Property(tries = 100)
    void scaleShiftEqualsScalar(@ForAll long seed, @ForAll @IntRange(min = 1, max = 30) int frames,
                                @ForAll @IntRange(min = 1, max = 300) int channels,
                                @ForAll @IntRange(min = 1, max = 3) int threads) {
        Random random = new Random(seed);
        float[] x = randoms(random, frames * channels, 3f);
        float[] scale = randoms(random, channels, 2f);
        float[] shift = randoms(random, channels, 1f);
        float[] expected = new float[x.length];
        new ScalarBackend().scaleShift(x, frames, scale, shift, expected);
        vector(threads).scaleShift(x, frames, scale, shift, x);
        assertClose("scaleShift", expected, x, 1e-6, 1e-6 * 7);
    }

    @Property(tries = 100)
    void activateAndGluEqualScalar(@ForAll long seed, @ForAll @IntRange(min = 1, max = 9000) int n,
                                   @ForAll Activation activation, @ForAll @IntRange(min = 1, max = 3) int threads) {
        Random random = new Random(seed);
        float[] x = randoms(random, n, 12f);
        float[] expected = x.clone();
        new ScalarBackend().activate(expected, n, activation);
        vector(threads).activate(x, n, activation);
        assertClose("activate " + activation, expected, x, 1e-6, 1e-7);

        int channels = 1 + random.nextInt(300);
        int frames = 1 + random.nextInt(20);
        float[] doubled = randoms(random, frames * 2 * channels, 12f);
        float[] gluExpected = new float[frames * channels];
        float[] gluActual = new float[frames * channels];
        new ScalarBackend().glu(doubled, frames, channels, gluExpected);
        vector(threads).glu(doubled, frames, channels, gluActual);
        assertClose("glu", gluExpected, gluActual, 1e-6, 1e-7);
    }

    /** Log-probabilities up to a float sum of the exponentials: within 1e-6 of each row's scale. */
    @Property(tries = 100)
    void logSoftmaxEqualsScalar(@ForAll long seed, @ForAll @IntRange(min = 1, max = 20) int rows,
                                @ForAll @IntRange(min = 1, max = 6000) int cols,
                                @ForAll @IntRange(min = 1, max = 3) int threads) {
        Random random = new Random(seed);
        float[] x = randoms(random, rows * cols, 30f);
        float[] expected = x.clone();
        new ScalarBackend().logSoftmax(expected, rows, cols);
        vector(threads).logSoftmax(x, rows, cols);
        assertClose("logSoftmax " + rows + "x" + cols, expected, x, 1e-6, 2e-5);
        for (int r = 0; r < rows; r++) {
            double total = 0;
            for (int c = 0; c < cols; c++) {
                total += Math.exp(x[r * cols + c]);
            }
            assertEquals(1.0, total, 1e-4, "row " + r + " sums to 1");
        }
    }

    /** Same taps in the same order with the same roundings (no fused multiply-add): equal bit for bit. */
    @Property(tries = 150)
    void depthwiseConvEqualsScalarExactly(@ForAll long seed, @ForAll @IntRange(min = 1, max = 60) int frames,
                                          @ForAll @IntRange(min = 1, max = 70) int channels,
                                          @ForAll @IntRange(min = 0, max = 7) int halfKernel,
                                          @ForAll @IntRange(min = 1, max = 3) int threads) {
        Random random = new Random(seed);
        int kernelSize = 2 * halfKernel + 1;
        float[] x = randoms(random, frames * channels, 3f);
        float[] kernel = randoms(random, channels * kernelSize, 1f);
        float[] bias = randoms(random, channels, 1f);
        float[] expected = new float[frames * channels];
        float[] actual = new float[frames * channels];
        new ScalarBackend().depthwiseConv(x, frames, channels, kernel, kernelSize, bias, expected);
        vector(threads).depthwiseConv(x, frames, channels, kernel, kernelSize, bias, actual);
        assertArrayEquals(expected, actual);
    }

    // ------------------------------------------------------------------------------------------------------------
    // experts

    @Property(tries = 150)
    void expertFfnEqualsScalar(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int experts,
                               @ForAll @IntRange(min = 1, max = 40) int dim,
                               @ForAll @IntRange(min = 1, max = 50) int hidden,
                               @ForAll DType dtype, @ForAll Activation activation,
                               @ForAll @IntRange(min = 1, max = 3) int threads) {
        Random random = new Random(seed);
        float[] w1 = randoms(random, experts * hidden * dim, 1f);
        float[] w2 = randoms(random, experts * dim * hidden, 1f);
        float[] b1 = randoms(random, experts * hidden, 1f);
        float[] b2 = randoms(random, experts * dim, 1f);
        float scale = random.nextBoolean() ? 0.5f : 1f;
        ExpertLayer layer = new ExpertLayer(experts, dim, hidden,
                matrix(dtype, experts * hidden, dim, w1, random.nextBoolean()), b1,
                matrix(dtype, experts * dim, hidden, w2, random.nextBoolean()), b2, activation, scale);
        int[] offsets = new int[experts + 1];
        for (int e = 0; e < experts; e++) {
            int n = random.nextInt(3) == 0 ? 0 : random.nextInt(random.nextBoolean() ? 4 : 30);
            offsets[e + 1] = offsets[e] + n;
        }
        int total = offsets[experts];
        float[] gathered = randoms(random, total * dim, 2f);
        float[] gates = randoms(random, total, 1f);
        float[] expected = new float[total * dim];
        float[] actual = new float[total * dim];
        new ScalarBackend().expertFfn(layer, gathered, offsets, gates, expected);
        vector(threads).expertFfn(layer, gathered, offsets, gates, actual);

        // the bound of the matmul property, through both layers: |h| ≤ Σ|x·w1| + |b1| (|act(z)| ≤ |z|)
        float[] d1 = decodeAll(layer.w1());
        float[] d2 = decodeAll(layer.w2());
        for (int e = 0; e < experts; e++) {
            for (int r = offsets[e]; r < offsets[e + 1]; r++) {
                double[] h = new double[hidden];
                for (int j = 0; j < hidden; j++) {
                    double m = Math.abs(b1[e * hidden + j]);
                    for (int i = 0; i < dim; i++) {
                        m += Math.abs((double) gathered[r * dim + i] * d1[(e * hidden + j) * dim + i]);
                    }
                    h[j] = m;
                }
                for (int o = 0; o < dim; o++) {
                    double m = Math.abs(b2[e * dim + o]);
                    for (int j = 0; j < hidden; j++) {
                        m += h[j] * Math.abs(d2[(e * dim + o) * hidden + j]);
                    }
                    double tolerance = 3 * RELATIVE * m * Math.abs(scale * gates[r]) + 1e-30;
                    int at = r * dim + o;
                    if (!(Math.abs(expected[at] - actual[at]) <= tolerance)) {
                        fail("expert " + e + " row " + r + " out " + o + ": " + actual[at] + ", scalar "
                                + expected[at] + " (offsets " + Arrays.toString(offsets) + ")");
                    }
                }
            }
        }
    }

    @Example
    void expertFfnWithoutRowsTouchesNothing() {
        Random random = new Random(1);
        ExpertLayer layer = new ExpertLayer(3, 4, 5, matrix(DType.F32, 15, 4, randoms(random, 60, 1f), false),
                new float[15], matrix(DType.F32, 12, 5, randoms(random, 60, 1f), false), new float[12],
                Activation.RELU, 1f);
        float[] out = {};
        vector(2).expertFfn(layer, new float[0], new int[] {0, 0, 0, 0}, new float[0], out);
        assertEquals(0, out.length);
    }

    // ------------------------------------------------------------------------------------------------------------
    // scratch per instance

    /**
     * Two backends on one pool, called at the same time from two threads: each keeps its scratch per slot of its own
     * loop, so neither disturbs the other, and every result equals that of the same kind of backend called alone.
     */
    @Example
    void backendsSharingAPoolRunConcurrentlyWithTheirOwnScratch() throws Exception {
        Random random = new Random(11);
        Matrix wide = matrix(DType.Q8, 600, 96, randoms(random, 600 * 96, 1f), true);
        Matrix deep = matrix(DType.F16, 130, 300, randoms(random, 130 * 300, 1f), false);
        float[] x = randoms(random, 100 * 300, 2f);
        ExpertLayer layer = new ExpertLayer(3, 40, 50, matrix(DType.BF16, 150, 40, randoms(random, 6000, 1f), true),
                randoms(random, 150, 1f), matrix(DType.F32, 120, 50, randoms(random, 6000, 1f), false),
                randoms(random, 120, 1f), Activation.SWISH, 0.5f);
        int[] offsets = {0, 30, 31, 70};
        float[] gates = randoms(random, 70, 1f);
        float[] bias = randoms(random, 130, 1f);
        AttentionInputs fourHeads = AttentionInputs.random(random, 120, 120, 4, 64);
        AttentionInputs eightHeads = AttentionInputs.random(random, 37, 37, 8, 32);
        List<Function<Backend, float[]>> operations = List.of(
                b -> {
                    float[] y = new float[100 * 600];
                    b.matmul(x, 0, 100, wide, y, 0, Epilogue.store(null, Activation.RELU));
                    return y;
                },
                b -> {
                    float[] y = new float[20 * 130];
                    b.matmul(x, 5, 20, deep, y, 0, Epilogue.store(bias, Activation.SWISH));
                    return y;
                },
                b -> {
                    float[] y = new float[70 * 40];
                    b.expertFfn(layer, x, offsets, gates, y);
                    return y;
                },
                fourHeads::attend,
                eightHeads::attend);
        Backend alone = vector(3);
        List<float[]> expected = new ArrayList<>();
        for (Function<Backend, float[]> operation : operations) {
            expected.add(operation.apply(alone));
        }
        CyclicBarrier start = new CyclicBarrier(2);
        try (ExecutorService callers = Executors.newFixedThreadPool(2)) {
            List<Future<?>> runs = new ArrayList<>();
            for (int c = 0; c < 2; c++) {
                int first = c;
                Backend backend = vector(3);
                runs.add(callers.submit(() -> {
                    start.await();
                    for (int round = 0; round < 4; round++) {
                        for (int i = 0; i < operations.size(); i++) {
                            int op = (first + round + i) % operations.size();
                            assertArrayEquals(expected.get(op), operations.get(op).apply(backend),
                                    "operation " + op + " in round " + round);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        }
    }

    private static float[] decodeAll(Matrix m) {
        float[] all = new float[m.rows() * m.cols()];
        float[] row = new float[m.cols()];
        for (int r = 0; r < m.rows(); r++) {
            m.decodeRow(r, row);
            System.arraycopy(row, 0, all, r * m.cols(), m.cols());
        }
        return all;
    }
}
