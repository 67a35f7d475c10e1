package org.speechmoe.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.speechmoe.runtime.features.Features;
import org.speechmoe.runtime.features.FbankExtractor;

/** Kaldi fbank (80 bins, 25 ms / 10 ms, 16 kHz) of a few seconds of noise: the front end, single-threaded. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FbankBenchmark {
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
