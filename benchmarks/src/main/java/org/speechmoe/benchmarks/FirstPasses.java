package org.speechmoe.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.speechmoe.runtime.api.Recognizer;
import org.speechmoe.runtime.api.RecognizerOptions;
import org.speechmoe.runtime.api.SpeechMoeModel;

/**
 * Where a fresh process's first passes spend their CPU: the model's first PASSES passes over SECONDS of noise in one
 * new JVM, printing after each the pass's wall time, the process's CPU time and the CPU time of its threads grouped
 * into JIT compiler threads and the rest (from {@code /proc/self/task}, Linux only). Run it with JVM flags to compare
 * them (one JVM per flag set, several times: the first passes are what is measured).
 *
 * <pre>java --add-modules jdk.incubator.vector -XX:+UseSerialGC [FLAGS] -cp speechmoe-benchmarks.jar \
 *     org.speechmoe.benchmarks.FirstPasses MODEL.smoe SECONDS PASSES [THREADS]</pre>
 */
public final class FirstPasses {
    private static final int RATE = 16_000;
    /** Clock ticks per second of {@code /proc/.../stat} on Linux. */
    private static final double TICKS = 100.0;

    private FirstPasses() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: FirstPasses MODEL.smoe SECONDS PASSES [THREADS]");
            System.exit(2);
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        long start = System.nanoTime();
        try (SpeechMoeModel model = SpeechMoeModel.open(Path.of(args[0]));
             Recognizer recognizer = model.newRecognizer(RecognizerOptions.defaults().withThreads(threads))) {
            float[] audio = new float[(int) (Double.parseDouble(args[1]) * RATE)];
            Random random = new Random(1);
            for (int i = 0; i < audio.length; i++) {
                audio[i] = (float) random.nextGaussian() * 0.1f;
            }
            System.out.printf(Locale.ROOT, "open   %7.3f s wall, process cpu %6.2f s  %s%n",
                    (System.nanoTime() - start) / 1e9, os.getProcessCpuTime() / 1e9, threadCpu());
            for (int pass = 0; pass < Integer.parseInt(args[2]); pass++) {
                long t = System.nanoTime();
                recognizer.logits(audio, RATE);
                System.out.printf(Locale.ROOT, "pass %d %7.3f s wall, process cpu %6.2f s  %s%n", pass,
                        (System.nanoTime() - t) / 1e9, os.getProcessCpuTime() / 1e9, threadCpu());
            }
        }
    }

    /** CPU seconds so far of the JIT compiler threads and of all the others. */
    private static String threadCpu() throws IOException {
        Map<String, Double> seconds = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException ended) {
                    continue;
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // utime and stime, the 14th and 15th fields of stat (11 and 12 after the name)
                double cpu = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS;
                seconds.merge(name.contains("CompilerThre") ? "compiler" : "other", cpu, Double::sum);
            }
        }
        return String.format(Locale.ROOT, "compiler threads %.2f s, other threads %.2f s",
                seconds.getOrDefault("compiler", 0.0), seconds.getOrDefault("other", 0.0));
    }
}
