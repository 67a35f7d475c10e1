package org.speechmoe.runtime.internal.backend.vector;

import java.util.concurrent.ForkJoinPool;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.backend.Backends;
import org.speechmoe.runtime.internal.backend.Epilogue;
import org.speechmoe.runtime.internal.backend.ScalarBackend;
import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.spi.BackendUnavailableException;
import org.speechmoe.runtime.spi.ExpertLayer;
import org.speechmoe.runtime.spi.Matrix;

/**
 * The {@link Backend} on {@code jdk.incubator.vector} (run with {@code --add-modules jdk.incubator.vector}; use
 * {@link Backends#best} to pick it only when the module is present), multi-threaded over a persistent
 * {@link ForkJoinPool} ({@link ParallelLoop}). Each kernel family lives in its own class: {@link Gemm} (with the
 * {@link RegisterTile}, {@link DotKernels} and {@link EpilogueStore}) for matrix multiplies, {@link Attention},
 * {@link ExpertFfn} and {@link ChannelPasses} for the memory-bound passes; {@link WeightRows} decodes the stored
 * weight rows for them, one class per stored type, bit-exact with {@link Matrix#decodeRow}.
 *
 * <p>Results equal {@link ScalarBackend}'s up to summation order (dot products are summed lane-wise) and, for
 * {@link Activation#SWISH} and the attention softmax, a float {@code exp} instead of a double one.
 *
 * <p>An instance keeps its scratch between calls ({@link KernelScratch}, one slot per thread of its loop), so it
 * serves one caller thread at a time and must not be shared between concurrent callers: each {@code Recognizer}
 * makes its own. The threads of its pool are its own business; the pool itself may be shared with other instances.
 */
public final class VectorBackend implements Backend {
    private final ParallelLoop loop;
    private final KernelScratch scratch;

    /**
     * A backend using {@code threads} threads: the caller plus {@code threads - 1} workers of a shared daemon pool.
     *
     * @throws BackendUnavailableException when {@code -Dspeechmoe.vectorBits} names no width this machine has
     */
    public VectorBackend(int threads) {
        this(threads, threads > 1 ? ParallelLoop.sharedPool(threads - 1) : null);
    }

    /**
     * A backend splitting each operation into at most {@code threads} parts, run by the calling thread and
     * {@code pool} (which the caller owns; null when {@code threads == 1}).
     *
     * @throws BackendUnavailableException when {@code -Dspeechmoe.vectorBits} names no width this machine has
     */
    public VectorBackend(int threads, ForkJoinPool pool) {
        this(threads, pool, ParallelLoop.PARALLEL_MIN_WORK);
    }

    /** With another threshold for going parallel: tests use 0 to split even tiny problems. */
    VectorBackend(int threads, ForkJoinPool pool, long parallelMinWork) {
        VectorWidth.check();
        this.loop = new ParallelLoop(threads, pool, parallelMinWork);
        this.scratch = new KernelScratch(threads);
    }

    /**
     * The float vector length this backend runs with: the machine's (8 with AVX2, 16 with AVX-512) unless
     * {@code -Dspeechmoe.vectorBits} chose another ({@link VectorWidth}).
     */
    public static int vectorLength() {
        return VectorWidth.FLOATS.length();
    }

    public int threads() {
        return loop.threads();
    }

    @Override
    public String name() {
        return "vector";
    }

    // ---------------------------------------------------------------------------------------------------------
    // matmul

    @Override
    public void matmul(float[] x, int xOffset, int rows, Matrix w, float[] y, int yOffset, Epilogue epilogue) {
        Gemm.multiply(loop, scratch, x, xOffset, rows, w, y, yOffset, epilogue);
    }

    // ---------------------------------------------------------------------------------------------------------
    // attention

    @Override
    public void attention(float[] q, float[] k, float[] v, float[] p, float[] biasU, float[] biasV, int queries,
                          int keys, int heads, float[] out) {
        Attention.attention(loop, scratch, q, k, v, p, biasU, biasV, queries, keys, heads, out);
    }

    // ---------------------------------------------------------------------------------------------------------
    // memory-bound passes

    @Override
    public void depthwiseConv(float[] x, int frames, int channels, float[] kernel, int kernelSize, float[] bias,
                              float[] out) {
        ChannelPasses.depthwiseConv(loop, x, frames, channels, kernel, kernelSize, bias, out);
    }

    @Override
    public void forRows(int rows, long costPerRow, RowRange body) {
        loop.forRows(rows, costPerRow, body);
    }

    @Override
    public void layerNorm(float[] x, int frames, float[] weight, float[] bias, float eps, float[] out) {
        ChannelPasses.layerNorm(loop, x, frames, weight, bias, eps, out);
    }

    @Override
    public void scaleShift(float[] x, int frames, float[] scale, float[] shift, float[] out) {
        ChannelPasses.scaleShift(loop, x, frames, scale, shift, out);
    }

    @Override
    public void activate(float[] x, int n, Activation activation) {
        ChannelPasses.activate(loop, x, n, activation);
    }

    @Override
    public void glu(float[] x, int frames, int channels, float[] out) {
        ChannelPasses.glu(loop, x, frames, channels, out);
    }

    @Override
    public void logSoftmax(float[] x, int rows, int cols) {
        ChannelPasses.logSoftmax(loop, x, rows, cols);
    }

    // ---------------------------------------------------------------------------------------------------------
    // experts

    @Override
    public void expertFfn(ExpertLayer layer, float[] gathered, int[] offsets, float[] rowScale, float[] out) {
        ExpertFfn.expertFfn(loop, scratch, layer, gathered, offsets, rowScale, out);
    }
}
