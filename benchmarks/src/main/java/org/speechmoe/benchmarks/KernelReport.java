package org.speechmoe.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the kernel suite (or the benchmarks named on the command line) and prints one table: time per call, GFLOP/s
 * and the fraction of this machine's fp32 peak measured by {@link PeakFlopsBenchmark} with as many threads as the
 * kernel used.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp speechmoe-benchmarks.jar org.speechmoe.benchmarks.KernelReport
 *      [--quick] [--suite NAME,...] [--only REGEX] [JMH options, e.g. -f 1 -wi 2 -i 3 -p rows=250 -v SILENT]
 * </pre>
 *
 * Without {@code --only} it runs the built-in suite (see {@link #SUITE}; {@code --suite} picks parts of it by name);
 * with it, the benchmarks the regex and the JMH options select. JMH options apply to every run, the peak's included:
 * pass the benchmark regex with {@code --only}, not as a JMH argument. In the suite, a step's own parameters win over
 * {@code -p} for the same name (use {@code --only} to choose every parameter). {@code --quick} is a smoke run
 * ({@code -f 1 -wi 1 -i 1 -w 1s -r 1s}). The peak is always measured first, with 1 and 2 threads.
 */
public final class KernelReport {
    /** One JMH run of the suite: a benchmark regex and parameter subsets. */
    private record Step(String name, String include, Map<String, String[]> params) {
    }

    private static final List<Step> SUITE = List.of(
            step("gemm", "GemmBenchmark", "shape", "S_ATTN,S_FFN1,S_FFN2,S_PW1,S_VOCAB,L_ATTN,L_FFN1,L_FFN2,L_VOCAB",
                    "rows", "1,8,64,250", "dtype", "f32", "threads", "1"),
            step("gemm-types", "GemmBenchmark", "shape", "S_FFN1,S_FFN2,S_VOCAB,L_FFN1,L_FFN2",
                    "rows", "1,250", "dtype", "q8,f16", "threads", "1"),
            step("gemm-2t", "GemmBenchmark", "shape", "S_FFN1,L_FFN1,L_VOCAB",
                    "rows", "64,250", "dtype", "f32,q8", "threads", "2"),
            step("subsampling", "GemmBenchmark", "shape", "E_SUB2,S_SUB2,L_SUB2",
                    "rows", "4750", "dtype", "f32", "threads", "1,2"),
            step("experts", "ExpertFfnBenchmark", "model", "S,L", "experts", "4", "frames", "1,8,64,250",
                    "dtype", "f32", "threads", "1"),
            step("expert-scaling", "ExpertFfnBenchmark", "model", "S", "experts", "4,8,16,32,64", "frames", "250",
                    "dtype", "f32", "threads", "1,2"),
            step("attention", "AttentionBenchmark", "heads", "4,8", "frames", "250", "threads", "1,2"),
            step("conv", "DepthwiseConvBenchmark", "channels", "256,512", "frames", "250", "threads", "1"),
            step("fbank", "FbankBenchmark", "seconds", "10"),
            step("int8", "Int8DotBenchmark"));

    private KernelReport() {
    }

    private static Step step(String name, String benchmark, String... params) {
        Map<String, String[]> p = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            p.put(params[i], params[i + 1].split(","));
        }
        return new Step(name, "\\." + benchmark + "\\.", p);
    }

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        List<String> jmhArgs = new ArrayList<>(Arrays.asList(args));
        boolean quick = jmhArgs.remove("--quick");
        List<String> parts = null;
        int at = jmhArgs.indexOf("--suite");
        if (at >= 0) {
            parts = List.of(jmhArgs.get(at + 1).split(","));
            jmhArgs.remove(at + 1);
            jmhArgs.remove(at);
        }
        String only = null;
        at = jmhArgs.indexOf("--only");
        if (at >= 0) {
            only = jmhArgs.get(at + 1);
            jmhArgs.remove(at + 1);
            jmhArgs.remove(at);
        }
        CommandLineOptions cli = new CommandLineOptions(jmhArgs.toArray(String[]::new));
        if (!cli.getIncludes().isEmpty()) {
            throw new IllegalArgumentException("name benchmarks with --only REGEX, not " + cli.getIncludes());
        }

        List<RunResult> results = new ArrayList<>();
        for (int t = 1; t <= 2; t++) {
            results.addAll(run(options(cli, quick).include("\\.PeakFlopsBenchmark\\.").threads(t)));
        }
        if (only != null) {
            results.addAll(run(options(cli, quick).include(only)));
        } else {
            for (Step s : SUITE) {
                if (parts != null && !parts.contains(s.name())) {
                    continue;
                }
                ChainedOptionsBuilder o = options(cli, quick).include(s.include()).threads(1);
                s.params().forEach(o::param);
                Collection<RunResult> step = run(o);
                results.addAll(step);
                System.out.println("\n== " + s.name());
                print(results, step);
            }
        }
        System.out.println("\n== all results");
        print(results, results);
    }

    private static ChainedOptionsBuilder options(CommandLineOptions cli, boolean quick) {
        ChainedOptionsBuilder o = new OptionsBuilder().parent(cli);
        if (quick) {
            o.forks(1).warmupIterations(1).measurementIterations(1).warmupTime(TimeValue.seconds(1))
                    .measurementTime(TimeValue.seconds(1));
        }
        return o;
    }

    private static Collection<RunResult> run(ChainedOptionsBuilder options) throws RunnerException {
        return new Runner(options.build()).run();
    }

    /** Seconds per call (per JMH thread) of a result. */
    private static double seconds(RunResult r) {
        String unit = r.getPrimaryResult().getScoreUnit();
        double scale = switch (unit) {
            case "ns/op" -> 1e-9;
            case "us/op" -> 1e-6;
            case "ms/op" -> 1e-3;
            case "s/op" -> 1;
            default -> throw new IllegalStateException("unexpected unit " + unit);
        };
        return r.getPrimaryResult().getScore() * scale;
    }

    /** Floating-point operations of one call of the benchmark, or NaN where none are counted. */
    static double flops(BenchmarkParams p) {
        String bench = p.getBenchmark();
        String cls = bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1, bench.lastIndexOf('.'));
        return switch (cls) {
            case "PeakFlopsBenchmark" -> PeakFlopsBenchmark.flops();
            case "Int8DotBenchmark" -> Int8DotBenchmark.flops();
            case "GemmBenchmark" -> GemmBenchmark.flops(GemmBenchmark.Shape.valueOf(p.getParam("shape")),
                    Integer.parseInt(p.getParam("rows")));
            case "ExpertFfnBenchmark" -> ExpertFfnBenchmark.flops(Fixtures.Model.valueOf(p.getParam("model")),
                    Integer.parseInt(p.getParam("frames")));
            case "AttentionBenchmark" -> AttentionBenchmark.flops(Integer.parseInt(p.getParam("heads")),
                    Integer.parseInt(p.getParam("frames")));
            case "DepthwiseConvBenchmark" -> DepthwiseConvBenchmark.flops(Integer.parseInt(p.getParam("channels")),
                    Integer.parseInt(p.getParam("frames")));
            default -> Double.NaN;
        };
    }

    /** Threads a result ran on: the backend's {@code threads} parameter, else JMH's threads. */
    private static int threads(BenchmarkParams p) {
        String t = p.getParam("threads");
        return t != null ? Integer.parseInt(t) : p.getThreads();
    }

    /** Prints {@code rows} as a table, against the peak found among {@code results}. */
    private static void print(Collection<RunResult> results, Collection<RunResult> rows) {
        Map<Integer, Double> peak = new TreeMap<>();
        for (RunResult r : results) {
            BenchmarkParams p = r.getParams();
            if (p.getBenchmark().endsWith("PeakFlopsBenchmark.fma")) {
                peak.put(p.getThreads(), p.getThreads() * flops(p) / seconds(r) / 1e9);
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "fp32 peak (FMA loop, %d-lane vectors): %s%n",
                PeakFlopsBenchmark.lanes(),
                peak.entrySet().stream()
                        .map(e -> String.format(Locale.ROOT, "%.1f GFLOP/s with %d thread(s)", e.getValue(), e.getKey()))
                        .reduce((a, b) -> a + ", " + b).orElse("not measured"));
        System.out.printf(Locale.ROOT, "%-64s %12s %10s %8s%n", "benchmark (parameters)", "time (us)", "GFLOP/s",
                "% peak");
        for (RunResult r : rows) {
            BenchmarkParams p = r.getParams();
            String bench = p.getBenchmark();
            String name = bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1)
                    .replace("Benchmark", "");
            StringBuilder label = new StringBuilder(name);
            List<String> keys = new ArrayList<>(p.getParamsKeys());
            for (String k : keys) {
                if (!(k.equals("backend") && p.getParam(k).equals("vector"))) {
                    label.append(' ').append(k).append('=').append(p.getParam(k));
                }
            }
            if (p.getThreads() > 1) {
                label.append(" jmhThreads=").append(p.getThreads());
            }
            double s = seconds(r);
            double f = flops(p);
            int jmhThreads = p.getThreads();
            double gflops = jmhThreads * f / s / 1e9;
            Double pk = peak.get(threads(p));
            System.out.printf(Locale.ROOT, "%-64s %12.1f %10s %8s%n", label, s * 1e6,
                    Double.isNaN(f) ? "-" : String.format(Locale.ROOT, "%.1f", gflops),
                    Double.isNaN(f) || pk == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * gflops / pk));
        }
    }
}
