package org.speechmoe.benchmarks;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.backend.Epilogue;
import org.speechmoe.runtime.spi.ExpertLayer;
import org.speechmoe.runtime.spi.Matrix;

/**
 * A {@link Backend} that times every call of another one, grouped by operation and shape, so that an end-to-end run
 * can say which kernel its time goes to and at what GFLOP/s. Everything outside the backend (norms, routers, softmax,
 * im2col, copies) is the run's time minus {@link #totalNanos}. Not thread-safe: one run at a time.
 */
final class ProfilingBackend implements Backend {
    /** One operation at one shape: calls, time, multiply-adds. */
    static final class Entry {
        long calls;
        long nanos;
        double macs;
        long rows;
    }

    private final Backend inner;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    ProfilingBackend(Backend inner) {
        this.inner = inner;
    }

    void reset() {
        entries.clear();
    }

    long totalNanos() {
        return entries.values().stream().mapToLong(e -> e.nanos).sum();
    }

    private void add(String key, long nanos, double macs, long rows) {
        Entry e = entries.computeIfAbsent(key, k -> new Entry());
        e.calls++;
        e.nanos += nanos;
        e.macs += macs;
        e.rows += rows;
    }

    @Override
    public String name() {
        return inner.name() + "+profile";
    }

    @Override
    public void matmul(float[] x, int xOffset, int rows, Matrix w, float[] y, int yOffset, Epilogue epilogue) {
        long t0 = System.nanoTime();
        inner.matmul(x, xOffset, rows, w, y, yOffset, epilogue);
        add("matmul " + w.cols() + "->" + w.rows() + " " + w.dtype(), System.nanoTime() - t0,
                (double) rows * w.rows() * w.cols(), rows);
    }

    @Override
    public void attention(float[] q, float[] k, float[] v, float[] p, float[] biasU, float[] biasV, int queries,
                          int keys, int heads, float[] out) {
        long t0 = System.nanoTime();
        inner.attention(q, k, v, p, biasU, biasV, queries, keys, heads, out);
        int dk = biasU.length / heads;
        add("attention h" + heads + " dk" + dk, System.nanoTime() - t0, 3.0 * heads * queries * (double) keys * dk,
                queries);
    }

    @Override
    public void depthwiseConv(float[] x, int frames, int channels, float[] kernel, int kernelSize, float[] bias,
                              float[] out) {
        long t0 = System.nanoTime();
        inner.depthwiseConv(x, frames, channels, kernel, kernelSize, bias, out);
        add("depthwise " + channels + " K" + kernelSize, System.nanoTime() - t0,
                (double) frames * channels * kernelSize, frames);
    }

    @Override
    public void expertFfn(ExpertLayer layer, float[] gathered, int[] offsets, float[] rowScale, float[] out) {
        long t0 = System.nanoTime();
        inner.expertFfn(layer, gathered, offsets, rowScale, out);
        int rows = offsets[layer.experts()];
        add("expertFfn E" + layer.experts() + " " + layer.dim() + "->" + layer.hidden() + " " + layer.w1().dtype(),
                System.nanoTime() - t0, 2.0 * rows * layer.dim() * layer.hidden(), rows);
    }

    @Override
    public void layerNorm(float[] x, int frames, float[] weight, float[] bias, float eps, float[] out) {
        long t0 = System.nanoTime();
        inner.layerNorm(x, frames, weight, bias, eps, out);
        add("layerNorm " + weight.length, System.nanoTime() - t0, 0, frames);
    }

    @Override
    public void scaleShift(float[] x, int frames, float[] scale, float[] shift, float[] out) {
        long t0 = System.nanoTime();
        inner.scaleShift(x, frames, scale, shift, out);
        add("scaleShift " + scale.length, System.nanoTime() - t0, 0, frames);
    }

    @Override
    public void activate(float[] x, int n, Activation activation) {
        long t0 = System.nanoTime();
        inner.activate(x, n, activation);
        add("activate " + activation, System.nanoTime() - t0, 0, 0);
    }

    @Override
    public void glu(float[] x, int frames, int channels, float[] out) {
        long t0 = System.nanoTime();
        inner.glu(x, frames, channels, out);
        add("glu " + channels, System.nanoTime() - t0, 0, frames);
    }

    @Override
    public void forRows(int rows, long floatsPerRow, RowRange body) {
        long t0 = System.nanoTime();
        inner.forRows(rows, floatsPerRow, body);
        add("forRows (copies)", System.nanoTime() - t0, 0, rows);
    }

    @Override
    public void logSoftmax(float[] x, int rows, int cols) {
        long t0 = System.nanoTime();
        inner.logSoftmax(x, rows, cols);
        add("logSoftmax " + cols, System.nanoTime() - t0, 0, rows);
    }

    /** The table: one line per operation and shape, slowest first, with its share of {@code wallNanos}. */
    String table(long wallNanos) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "| %-34s | %6s | %8s | %9s | %6s | %8s |%n", "operation", "calls",
                "rows", "ms", "share", "GFLOP/s"));
        s.append(String.format("|%s|%s|%s|%s|%s|%s|%n", "-".repeat(36), "-".repeat(8), "-".repeat(10), "-".repeat(11),
                "-".repeat(8), "-".repeat(10)));
        entries.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, Entry> en) -> en.getValue().nanos).reversed())
                .forEach(en -> {
                    Entry e = en.getValue();
                    s.append(String.format(Locale.ROOT, "| %-34s | %6d | %8d | %9.2f | %5.1f%% | %8s |%n",
                            en.getKey(), e.calls, e.rows, e.nanos / 1e6, 100.0 * e.nanos / wallNanos,
                            e.macs == 0 ? "" : String.format(Locale.ROOT, "%.1f", 2 * e.macs / e.nanos)));
                });
        long rest = wallNanos - totalNanos();
        s.append(String.format(Locale.ROOT, "| %-34s | %6s | %8s | %9.2f | %5.1f%% | %8s |%n",
                "outside the backend", "", "", rest / 1e6, 100.0 * rest / wallNanos, ""));
        double flops = 2 * entries.values().stream().mapToDouble(e -> e.macs).sum();
        s.append(String.format(Locale.ROOT, "%nGEMMs, convolutions, attention: %.1f GFLOP in all, %.1f GFLOP/s over "
                + "the whole time%n", flops / 1e9, flops / wallNanos));
        return s.toString();
    }
}
