package org.speechmoe.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.speechmoe.runtime.internal.features.Features;
import org.speechmoe.runtime.internal.features.FbankExtractor;

/** Kaldi fbank (80 bins, 25 ms / 10 ms, 16 kHz) of a few seconds of noise: the front end, single-threaded. */
public class FbankBenchmark extends KernelBenchmark {
    @Param({"10"})
    public int seconds;

    private FbankExtractor fbank;
    private float[] samples;

    @Setup
    public void setUp() {
        fbank = new FbankExtractor(16000, Fixtures.MEL_BINS, 25, 10);
        samples = Fixtures.randomFloats(16000 * seconds, 1, 0.3f);
    }

    @Benchmark
    public Features fbank() {
        return fbank.compute(samples);
    }
}
