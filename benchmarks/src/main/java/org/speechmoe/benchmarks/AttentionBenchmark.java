package org.speechmoe.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.speechmoe.runtime.internal.backend.Backend;

/**
 * {@code Backend.attention}: relative-position self-attention over one 10 s utterance (250 frames), d_k 64; 4 heads
 * is S (d 256), 8 heads L (d 512). The projections are GEMMs, measured by {@link GemmBenchmark}.
 */
public class AttentionBenchmark extends KernelBenchmark {
    @Param({"4", "8"})
    public int heads;
    @Param({"250"})
    public int frames;
    @Param({"1", "2"})
    public int threads;
    @Param({"vector"})
    public String backend;

    private Backend kernels;
    private float[] q;
    private float[] k;
    private float[] v;
    private float[] p;
    private float[] biasU;
    private float[] biasV;
    private float[] out;

    /** Three frames × frames × d_k products per head (content and position scores, weighted values). */
    public static double flops(int heads, int frames) {
        return 6.0 * heads * frames * frames * Fixtures.HEAD_DIM;
    }

    @Setup
    public void setUp() {
        kernels = Fixtures.backend(backend, threads);
        int n = frames * heads * Fixtures.HEAD_DIM;
        q = Fixtures.randomFloats(n, 1, 1f);
        k = Fixtures.randomFloats(n, 2, 1f);
        v = Fixtures.randomFloats(n, 3, 1f);
        p = Fixtures.randomFloats(n, 4, 1f);
        biasU = Fixtures.randomFloats(heads * Fixtures.HEAD_DIM, 5, 0.1f);
        biasV = Fixtures.randomFloats(heads * Fixtures.HEAD_DIM, 6, 0.1f);
        out = new float[n];
    }

    @Benchmark
    public float[] attention() {
        kernels.attention(q, k, v, p, biasU, biasV, frames, frames, heads, out);
        return out;
    }
}
