package org.speechmoe.runtime.internal.backend.vector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.ForkJoinPool;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.speechmoe.format.DType;
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
 * {@link ExpertFfn} and {@link ChannelPasses} for the memory-bound passes; this class decodes weight rows for them
 * ({@link #decodeRows}: f32 bulk copy; f16 bulk copy + {@link Float#float16ToFloat} loop, which C2 turns into
 * {@code vcvtph2ps}; bf16 shift into the high half of an int vector; q8 int8 vector → float × the block's scale; all
 * bit-exact with {@link Matrix#decodeRow}).
 *
 * <p>Results equal {@link ScalarBackend}'s up to summation order (dot products are summed lane-wise) and, for
 * {@link Activation#SWISH} and the attention softmax, a float {@code exp} instead of a double one.
 *
 * <p>An instance keeps its scratch between calls ({@link KernelScratch}, one slot per thread of its loop), so it
 * serves one caller thread at a time and must not be shared between concurrent callers: each {@code Recognizer}
 * makes its own. The threads of its pool are its own business; the pool itself may be shared with other instances.
 */
public final class VectorBackend implements Backend {
    private static final VectorSpecies<Float> FS = VectorWidth.FLOATS;
    private static final int L = FS.length();
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, FS.vectorShape());
    /** L shorts and L bytes: the raw f16/bf16 and q8 weights of one float vector. */
    private static final VectorSpecies<Short> SS = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    private static final VectorSpecies<Byte> BS = L * 8 >= 64
            ? VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8)) : null;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

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
        return L;
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
    // weight decoding

    private static boolean vectorReadable(MemorySegment s) {
        return s.isNative() || s.heapBase().map(b -> b instanceof byte[]).orElse(false);
    }

    /** Decodes weight rows {@code [from, from + n)} into {@code out[0, n·cols)}, exactly as {@link Matrix#decodeRow}. */
    static void decodeRows(Matrix w, int from, int n, float[] out) {
        int cols = w.cols();
        MemorySegment values = w.values();
        switch (w.dtype()) {
            case F32 -> MemorySegment.copy(values, F32, 4L * from * cols, out, 0, n * cols);
            case F16 -> {
                // a bulk copy, then a loop C2 compiles to vcvtph2ps: twice as fast as converting bits by hand
                short[] halfs = new short[Math.min(cols, 1 << 14)];
                for (int r = 0; r < n; r++) {
                    long base = 2L * (from + r) * cols;
                    int o = r * cols;
                    for (int i0 = 0; i0 < cols; i0 += halfs.length) {
                        int m = Math.min(halfs.length, cols - i0);
                        MemorySegment.copy(values, U16, base + 2L * i0, halfs, 0, m);
                        halfsToFloats(halfs, m, out, o + i0);
                    }
                }
            }
            case BF16 -> {
                if (!vectorReadable(values)) {
                    decodeRowsScalar(w, from, n, out);
                    return;
                }
                int bound = SS.loopBound(cols);
                for (int r = 0; r < n; r++) {
                    long base = 2L * (from + r) * cols;
                    int o = r * cols;
                    for (int i = 0; i < bound; i += L) {
                        bf16(ShortVector.fromMemorySegment(SS, values, base + 2L * i, LE)).intoArray(out, o + i);
                    }
                    for (int i = bound; i < cols; i++) {
                        out[o + i] = Float.intBitsToFloat((values.get(U16, base + 2L * i) & 0xffff) << 16);
                    }
                }
            }
            case Q8 -> {
                if (BS == null || DType.Q8_BLOCK % L != 0 || !vectorReadable(values)) {
                    decodeRowsScalar(w, from, n, out);
                    return;
                }
                MemorySegment scales = w.scales();
                int blocksPerRow = w.blocksPerRow();
                int bound = FS.loopBound(cols);
                for (int r = 0; r < n; r++) {
                    long base = (long) (from + r) * cols;
                    long scaleBase = (long) (from + r) * blocksPerRow;
                    int o = r * cols;
                    for (int i = 0; i < bound; i += L) {
                        float scale = scales.getAtIndex(F32, scaleBase + i / DType.Q8_BLOCK);
                        ((FloatVector) ByteVector.fromMemorySegment(BS, values, base + i, LE)
                                .convertShape(VectorOperators.B2F, FS, 0)).mul(scale).intoArray(out, o + i);
                    }
                    for (int i = bound; i < cols; i++) {
                        float scale = scales.getAtIndex(F32, scaleBase + i / DType.Q8_BLOCK);
                        out[o + i] = values.get(ValueLayout.JAVA_BYTE, base + i) * scale;
                    }
                }
            }
        }
    }

    private static void decodeRowsScalar(Matrix w, int from, int n, float[] out) {
        float[] row = new float[w.cols()];
        for (int r = 0; r < n; r++) {
            w.decodeRow(from + r, row);
            System.arraycopy(row, 0, out, r * w.cols(), w.cols());
        }
    }

    /** bfloat16 → float: the bits become the high half. */
    private static FloatVector bf16(ShortVector h) {
        return ((IntVector) h.convertShape(VectorOperators.S2I, IS, 0)).lanewise(VectorOperators.LSHL, 16)
                .reinterpretAsFloats();
    }

    private static void halfsToFloats(short[] halfs, int n, float[] out, int at) {
        for (int i = 0; i < n; i++) {
            out[at + i] = Float.float16ToFloat(halfs[i]);
        }
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
