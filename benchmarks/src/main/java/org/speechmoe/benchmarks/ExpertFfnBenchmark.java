package org.speechmoe.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.speechmoe.format.DType;
import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.spi.ExpertLayer;

/**
 * {@code Backend.expertFfn}: one MoE layer's experts on the frames routed to them (top-1), the frames spread
 * uniformly over the experts. With the hidden size fixed, the routed compute per frame does not depend on the number
 * of experts, so time against {@code experts} at a fixed frame count shows what more experts cost (smaller GEMMs per
 * expert, more weights streamed).
 */
public class ExpertFfnBenchmark extends KernelBenchmark {
    @Param({"S"})
    public String model;
    @Param({"4", "8", "16", "32", "64"})
    public int experts;
    @Param({"250"})
    public int frames;
    @Param({"f32"})
    public String dtype;
    @Param({"1", "2"})
    public int threads;
    @Param({"vector"})
    public String backend;

    private Backend kernels;
    private ExpertLayer layer;
    private float[] gathered;
    private int[] offsets;
    private float[] gates;
    private float[] out;

    /** Two matrices per routed frame: d → hidden → d. */
    public static double flops(Fixtures.Model m, int frames) {
        return 4.0 * frames * m.dim * m.hidden;
    }

    @Setup
    public void setUp() {
        Fixtures.Model m = Fixtures.Model.valueOf(model);
        DType t = Fixtures.dtype(dtype);
        kernels = Fixtures.backend(backend, threads);
        layer = new ExpertLayer(experts, m.dim, m.hidden,
                Fixtures.matrix(t, experts * m.hidden, m.dim, 1), Fixtures.randomFloats(experts * m.hidden, 2, 0.1f),
                Fixtures.matrix(t, experts * m.dim, m.hidden, 3), Fixtures.randomFloats(experts * m.dim, 4, 0.1f),
                Activation.SWISH, 0.5f);
        gathered = Fixtures.randomFloats(frames * m.dim, 5, 1f);
        gates = Fixtures.randomGates(frames, 6);
        out = new float[frames * m.dim];
        offsets = new int[experts + 1];
        for (int e = 0; e <= experts; e++) {
            offsets[e] = (int) ((long) e * frames / experts);
        }
    }

    @Benchmark
    public float[] expertFfn() {
        kernels.expertFfn(layer, gathered, offsets, gates, out);
        return out;
    }
}
