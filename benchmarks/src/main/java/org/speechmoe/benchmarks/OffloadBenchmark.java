package org.speechmoe.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.speechmoe.format.DType;
import org.speechmoe.runtime.api.Recognizer;
import org.speechmoe.runtime.api.RecognizerOptions;
import org.speechmoe.runtime.internal.audio.Samples;
import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.spi.BackendUnavailableException;
import org.speechmoe.runtime.internal.backend.Backends;
import org.speechmoe.runtime.spi.ExpertLayer;
import org.speechmoe.runtime.spi.ExpertOffload;
import org.speechmoe.runtime.api.SpeechMoeModel;

/**
 * The GPU offload against the CPU, side by side in one JVM: the routed experts of one MoE layer (expert-GEMM
 * throughput, S and L shapes) and whole transcriptions of a random-weight model (realtime factor). Not JMH: the JVM
 * needs TornadoVM's flags, which {@code benchmarks/run-offload.sh} gives it; the {@code gpu} device comes through
 * {@link java.util.ServiceLoader}, so this class compiles without TornadoVM and the jar holds the GPU module only
 * when built with {@code -Ptornado}.
 *
 * <pre>java ... OffloadBenchmark [experts|e2e|all] [S,L] [f32|q8|f16] [threads]</pre>
 */
public final class OffloadBenchmark {
    private static final int WARMUP = 3;
    private static final int RUNS = 9;

    private OffloadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "all";
        String[] sizes = (args.length > 1 ? args[1] : "S,L").split(",");
        DType dtype = Fixtures.dtype(args.length > 2 ? args[2] : "f32");
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        Backend cpu = Backends.best(threads);
        ExpertOffload opened;
        try {
            opened = Backends.offload("gpu");
        } catch (BackendUnavailableException e) {
            System.err.println("OffloadBenchmark: " + e.getMessage());
            System.exit(2);
            return;
        }
        try (ExpertOffload gpu = opened) {
            System.out.printf(Locale.ROOT, "device: %s; CPU: %s backend, %d threads; %s weights%n",
                    gpu.description(), cpu.name(), threads, dtype.label());
            for (String size : sizes) {
                Fixtures.Model m = Fixtures.Model.valueOf(size.strip());
                if (what.equals("experts") || what.equals("all")) {
                    experts(m, dtype, cpu, gpu);
                }
            }
        }
        for (String size : sizes) {
            if (what.equals("e2e") || what.equals("all")) {
                endToEnd(Fixtures.Model.valueOf(size.strip()), dtype, threads);
            }
        }
    }

    /** One MoE layer's experts over 10 s and 30 s of frames, spread evenly over the experts. */
    private static void experts(Fixtures.Model m, DType dtype, Backend cpu, ExpertOffload gpu) throws Exception {
        ExpertLayer layer = new ExpertLayer(m.experts, m.dim, m.hidden,
                Fixtures.matrix(dtype, m.experts * m.hidden, m.dim, 1),
                Fixtures.randomFloats(m.experts * m.hidden, 2, 0.1f),
                Fixtures.matrix(dtype, m.experts * m.dim, m.hidden, 3),
                Fixtures.randomFloats(m.experts * m.dim, 4, 0.1f), Activation.SWISH, 0.5f);
        for (int frames : new int[] {Fixtures.FRAMES_10S, 3 * Fixtures.FRAMES_10S}) {
            float[] x = Fixtures.randomFloats(frames * m.dim, 5, 1f);
            float[] gates = Fixtures.randomGates(frames, 6);
            int[] offsets = new int[m.experts + 1];
            for (int e = 0; e <= m.experts; e++) {
                offsets[e] = (int) ((long) e * frames / m.experts);
            }
            float[] out = new float[frames * m.dim];
            double flops = ExpertFfnBenchmark.flops(m, frames);
            double tCpu = median(() -> cpu.expertFfn(layer, x, offsets, gates, out));
            double tGpu = median(() -> gpu.expertFfn(layer, x, offsets, gates, out));
            System.out.printf(Locale.ROOT, "experts %s (%d x %d->%d->%d) %4d frames: cpu %8.2f ms %6.1f GFLOP/s | "
                            + "gpu %8.2f ms %6.1f GFLOP/s | gpu/cpu speed %.2fx%n", m, m.experts, m.dim, m.hidden,
                    m.dim, frames, tCpu * 1e3, flops / tCpu / 1e9, tGpu * 1e3, flops / tGpu / 1e9, tCpu / tGpu);
        }
    }

    /** 30 s of audio through a random-weight model of size {@code m}, with and without the offload. */
    private static void endToEnd(Fixtures.Model m, DType dtype, int threads) throws Exception {
        Path file = Files.createTempFile("speechmoe-offload-" + m, ".smoe");
        try {
            ModelOpen.write(m.graph(m.experts), dtype, file);
            Samples audio = new Samples(Fixtures.randomFloats(30 * 16000, 7, 0.1f), 16000);
            RecognizerOptions cpu = RecognizerOptions.defaults().withThreads(threads);
            try (SpeechMoeModel model = SpeechMoeModel.open(file);
                 Recognizer onCpu = model.newRecognizer(cpu);
                 Recognizer onGpu = model.newRecognizer(cpu.withDevice(RecognizerOptions.GPU))) {
                double tCpu = median(() -> onCpu.logits(audio.samples(), audio.sampleRate()));
                double tGpu = median(() -> onGpu.logits(audio.samples(), audio.sampleRate()));
                System.out.printf(Locale.ROOT, "end to end %s, 30 s of audio: cpu RTF %.4f | cpu+gpu experts RTF %.4f | "
                        + "speed-up %.2fx%n", m, tCpu / 30, tGpu / 30, tCpu / tGpu);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static double median(WallClock.Work work) throws Exception {
        return WallClock.medianSeconds(WARMUP, RUNS, work);
    }
}
