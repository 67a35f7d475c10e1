package org.speechmoe.benchmarks;

import java.util.Random;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * Whether int8 arithmetic could make q8 weights faster than f32 with the Vector API: the inner loop of a GEMM tile,
 * one x row against {@value #ROWS} weight rows of {@value #DEPTH} values (all in L1), as fp32 fused multiply-adds and
 * as int8 × int8 → int32 multiply-adds. The Vector API (JDK 25) has no widening multiply-add ({@code vpdpbusd},
 * {@code vpmaddwd}), so the int8 kernel widens bytes to shorts ({@code B2S}), multiplies (|a·b| ≤ 2<sup>14</sup> fits
 * a short), widens the products to ints ({@code S2I}) and adds them. Both count 2 flops per multiply-add, so
 * {@code run-kernels.sh} prints them as GFLOP/s against the fp32 peak.
 */
public class Int8DotBenchmark extends KernelBenchmark {
    static final int ROWS = 4;
    static final int DEPTH = 1024;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Bytes in a vector as wide as the preferred one, and the shorts and ints they widen to (2 and 4 parts). */
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.preferredShape());
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;

    private final float[] xf = new float[DEPTH];
    private final float[] wf = new float[ROWS * DEPTH];
    private final byte[] xb = new byte[DEPTH];
    private final byte[] wb = new byte[ROWS * DEPTH];

    /** Multiply-adds of one call, times two. */
    public static double flops() {
        return 2.0 * ROWS * DEPTH;
    }

    @Setup
    public void fill() {
        Random random = new Random(1);
        for (int i = 0; i < DEPTH; i++) {
            xb[i] = (byte) (random.nextInt(255) - 127);
            xf[i] = xb[i];
        }
        for (int i = 0; i < ROWS * DEPTH; i++) {
            wb[i] = (byte) (random.nextInt(255) - 127);
            wf[i] = wb[i];
        }
    }

    @Benchmark
    public float fp32() {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (int k = 0; k < DEPTH; k += F.length()) {
            FloatVector x = FloatVector.fromArray(F, xf, k);
            a0 = x.fma(FloatVector.fromArray(F, wf, k), a0);
            a1 = x.fma(FloatVector.fromArray(F, wf, DEPTH + k), a1);
            a2 = x.fma(FloatVector.fromArray(F, wf, 2 * DEPTH + k), a2);
            a3 = x.fma(FloatVector.fromArray(F, wf, 3 * DEPTH + k), a3);
        }
        return a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    public int int8() {
        IntVector a0 = IntVector.zero(I), a1 = a0, a2 = a0, a3 = a0;
        for (int k = 0; k < DEPTH; k += B.length()) {
            ByteVector x = ByteVector.fromArray(B, xb, k);
            ShortVector xLo = (ShortVector) x.convertShape(VectorOperators.B2S, S, 0);
            ShortVector xHi = (ShortVector) x.convertShape(VectorOperators.B2S, S, 1);
            a0 = a0.add(products(xLo, xHi, ByteVector.fromArray(B, wb, k)));
            a1 = a1.add(products(xLo, xHi, ByteVector.fromArray(B, wb, DEPTH + k)));
            a2 = a2.add(products(xLo, xHi, ByteVector.fromArray(B, wb, 2 * DEPTH + k)));
            a3 = a3.add(products(xLo, xHi, ByteVector.fromArray(B, wb, 3 * DEPTH + k)));
        }
        return a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }

    /** Bytes that widen to one int vector of the preferred shape (16 with AVX-512). */
    private static final VectorSpecies<Byte> BQ = VectorSpecies.of(byte.class,
            VectorShape.forBitSize(I.vectorBitSize() / 4));

    /** The other formulation: a quarter-width byte load widened straight to ints ({@code B2I}), int multiply-add. */
    @Benchmark
    public int int8ToInt() {
        IntVector a0 = IntVector.zero(I), a1 = a0, a2 = a0, a3 = a0;
        for (int k = 0; k < DEPTH; k += BQ.length()) {
            IntVector x = (IntVector) ByteVector.fromArray(BQ, xb, k).convertShape(VectorOperators.B2I, I, 0);
            a0 = a0.add(x.mul((IntVector) ByteVector.fromArray(BQ, wb, k).convertShape(VectorOperators.B2I, I, 0)));
            a1 = a1.add(x.mul((IntVector) ByteVector.fromArray(BQ, wb, DEPTH + k)
                    .convertShape(VectorOperators.B2I, I, 0)));
            a2 = a2.add(x.mul((IntVector) ByteVector.fromArray(BQ, wb, 2 * DEPTH + k)
                    .convertShape(VectorOperators.B2I, I, 0)));
            a3 = a3.add(x.mul((IntVector) ByteVector.fromArray(BQ, wb, 3 * DEPTH + k)
                    .convertShape(VectorOperators.B2I, I, 0)));
        }
        return a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }

    /** Multiply-add chains with operands in registers, as many multiply-adds as the dot products above. */
    private static final int CHAINS = 8;
    private static final int CHAIN_STEPS = ROWS * DEPTH / CHAINS / 16;
    /** Fields, so that the JIT cannot fold the chains; c → c·a + b stays bounded for both types. */
    private float fa = 0.999f;
    private float fb = 1e-3f;
    private int ia = 3;
    private int ib = 1;

    /**
     * The compute ceilings of the two types, without memory: fp32 FMA chains against int32 multiply-then-add chains
     * (the int8 kernels above end in an int32 multiply and add; there is no fused or widening form).
     */
    @Benchmark
    public float fp32Registers() {
        FloatVector a = FloatVector.broadcast(F, fa);
        FloatVector b = FloatVector.broadcast(F, fb);
        FloatVector c0 = b, c1 = b.add(1f), c2 = b.add(2f), c3 = b.add(3f);
        FloatVector c4 = b.add(4f), c5 = b.add(5f), c6 = b.add(6f), c7 = b.add(7f);
        for (int i = 0; i < CHAIN_STEPS * 16 / F.length(); i++) {
            c0 = c0.fma(a, b);
            c1 = c1.fma(a, b);
            c2 = c2.fma(a, b);
            c3 = c3.fma(a, b);
            c4 = c4.fma(a, b);
            c5 = c5.fma(a, b);
            c6 = c6.fma(a, b);
            c7 = c7.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    public int int32Registers() {
        IntVector a = IntVector.broadcast(I, ia);
        IntVector b = IntVector.broadcast(I, ib);
        IntVector c0 = b, c1 = b.add(1), c2 = b.add(2), c3 = b.add(3);
        IntVector c4 = b.add(4), c5 = b.add(5), c6 = b.add(6), c7 = b.add(7);
        for (int i = 0; i < CHAIN_STEPS * 16 / I.length(); i++) {
            c0 = c0.mul(a).add(b);
            c1 = c1.mul(a).add(b);
            c2 = c2.mul(a).add(b);
            c3 = c3.mul(a).add(b);
            c4 = c4.mul(a).add(b);
            c5 = c5.mul(a).add(b);
            c6 = c6.mul(a).add(b);
            c7 = c7.mul(a).add(b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).reduceLanes(VectorOperators.ADD);
    }

    /** The products of one byte vector of weights with x (widened), summed into int lanes (4 parts of 1/4 each). */
    private static IntVector products(ShortVector xLo, ShortVector xHi, ByteVector w) {
        ShortVector lo = xLo.mul((ShortVector) w.convertShape(VectorOperators.B2S, S, 0));
        ShortVector hi = xHi.mul((ShortVector) w.convertShape(VectorOperators.B2S, S, 1));
        return ((IntVector) lo.convertShape(VectorOperators.S2I, I, 0))
                .add((IntVector) lo.convertShape(VectorOperators.S2I, I, 1))
                .add((IntVector) hi.convertShape(VectorOperators.S2I, I, 0))
                .add((IntVector) hi.convertShape(VectorOperators.S2I, I, 1));
    }
}
