package org.speechmoe.benchmarks;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * This machine's fp32 peak as the JVM reaches it: {@value #ACCUMULATORS} independent FMA chains on
 * {@code FloatVector.SPECIES_PREFERRED} (enough to cover FMA latency × issue width on current x86 and ARM cores),
 * operands in registers, no memory traffic. Run it with JMH threads ({@code -t 2}) for the multi-core peak: JMH's
 * average time is per thread, so the aggregate rate is {@code threads · flops() / time}.
 */
public class PeakFlopsBenchmark extends KernelBenchmark {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int ACCUMULATORS = 12;
    static final int ITERATIONS = 1 << 14;

    /** Fields, not constants, so the JIT cannot fold the chains. c → c·a + b converges to b / (1 - a): no overflow. */
    private float a = 0.999f;
    private float b = 1e-3f;

    /** Floating-point operations of one call: two per lane of each FMA. */
    public static double flops() {
        return 2.0 * ITERATIONS * ACCUMULATORS * S.length();
    }

    /** Floats per vector: 8 with AVX2, 16 with AVX-512. */
    public static int lanes() {
        return S.length();
    }

    @Benchmark
    public float fma() {
        FloatVector va = FloatVector.broadcast(S, a);
        FloatVector vb = FloatVector.broadcast(S, b);
        FloatVector c0 = vb;
        FloatVector c1 = vb.add(1f);
        FloatVector c2 = vb.add(2f);
        FloatVector c3 = vb.add(3f);
        FloatVector c4 = vb.add(4f);
        FloatVector c5 = vb.add(5f);
        FloatVector c6 = vb.add(6f);
        FloatVector c7 = vb.add(7f);
        FloatVector c8 = vb.add(8f);
        FloatVector c9 = vb.add(9f);
        FloatVector c10 = vb.add(10f);
        FloatVector c11 = vb.add(11f);
        for (int i = 0; i < ITERATIONS; i++) {
            c0 = c0.fma(va, vb);
            c1 = c1.fma(va, vb);
            c2 = c2.fma(va, vb);
            c3 = c3.fma(va, vb);
            c4 = c4.fma(va, vb);
            c5 = c5.fma(va, vb);
            c6 = c6.fma(va, vb);
            c7 = c7.fma(va, vb);
            c8 = c8.fma(va, vb);
            c9 = c9.fma(va, vb);
            c10 = c10.fma(va, vb);
            c11 = c11.fma(va, vb);
        }
        FloatVector sum = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10)
                .add(c11);
        return sum.reduceLanes(VectorOperators.ADD);
    }
}
