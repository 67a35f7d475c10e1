package org.speechmoe.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.speechmoe.runtime.internal.backend.Backend;

/** {@code Backend.depthwiseConv}: the convolution module's depthwise convolution (K 15) over 250 frames. */
public class DepthwiseConvBenchmark extends KernelBenchmark {
    @Param({"256", "512"})
    public int channels;
    @Param({"250"})
    public int frames;
    @Param({"1"})
    public int threads;
    @Param({"vector"})
    public String backend;

    private Backend kernels;
    private float[] x;
    private float[] kernel;
    private float[] bias;
    private float[] out;

    public static double flops(int channels, int frames) {
        return 2.0 * frames * channels * Fixtures.CONV_KERNEL;
    }

    @Setup
    public void setUp() {
        kernels = Fixtures.backend(backend, threads);
        x = Fixtures.randomFloats(frames * channels, 1, 1f);
        kernel = Fixtures.randomFloats(channels * Fixtures.CONV_KERNEL, 2, 0.3f);
        bias = Fixtures.randomFloats(channels, 3, 0.1f);
        out = new float[frames * channels];
    }

    @Benchmark
    public float[] depthwiseConv() {
        kernels.depthwiseConv(x, frames, channels, kernel, Fixtures.CONV_KERNEL, bias, out);
        return out;
    }
}
