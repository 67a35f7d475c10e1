package org.speechmoe.runtime.internal.backend.vector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.speechmoe.format.DType;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.backend.Backends;
import org.speechmoe.runtime.internal.backend.Epilogue;
import org.speechmoe.runtime.internal.backend.ScalarBackend;
import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.spi.ExpertLayer;
import org.speechmoe.runtime.spi.Matrix;

/**
 * The {@link Backend} on {@code jdk.incubator.vector} (run with {@code --add-modules jdk.incubator.vector}; use
 * {@link Backends#best} to pick it only when the module is present), multi-threaded over a persistent
 * {@link ForkJoinPool}.
 *
 * <p><b>Matrix multiply.</b> The weights are {@code [out, in]} row-major, x is {@code [rows, in]}. A block of weight
 * rows (at most {@value #BLOCK_BYTES} bytes as f32, so that it stays in L2) is decoded once per call into a
 * per-thread float scratch (f32: bulk copy; f16: bulk copy + {@link Float#float16ToFloat} loop, which C2 turns into
 * {@code vcvtph2ps}; bf16: shift into the high half of an int vector; q8: int8 vector → float × the block's scale; all
 * bit-exact with {@link Matrix#decodeRow}). Every multiply then runs on one register tile ({@link #tile}): 12 rows
 * (6 with 16 vector registers) broadcast one element at a time against two vectors of a panel, 24 (12) accumulators,
 * no reductions. Three ways to feed it, chosen per shape ({@link #packWeightsFor}): many rows transpose the decoded
 * weight block into panels and broadcast x rows against them (the row kernel: each output row leaves through
 * vector stores with a vectorized epilogue); from {@value #PACK_MIN_ROWS} rows, x is transposed once per call into
 * panels of {@code 2L} rows and weight rows are broadcast against them (an outer product whose epilogue stores
 * transposed); fewer rows use dot products (4 x rows × 3 weight rows, reduced once per tile). The epilogue applies
 * bias, activation, scale, row scale and accumulation. Threads take (weight block, row chunk) items from a shared
 * counter, so no two threads write the same output; problems under {@value #PARALLEL_MIN_WORK} multiply-adds stay on
 * the calling thread.
 *
 * <p><b>Attention</b> runs per head as two GEMMs on the same tile (queries against transposed keys, then scores
 * against values); <b>depthwise convolution</b> is
 * vectorized over channels (bit-identical to the scalar backend); <b>expert FFNs</b> run all experts' first matrices
 * in one parallel loop, then all second matrices in another; an expert with at least {@value #PACK_MIN_ROWS} rows
 * stays in panel space: its first multiply (outer product) writes the hidden activations directly as the x panels of
 * its second, so neither weights nor hidden rows are repacked.
 *
 * <p>Results equal {@link ScalarBackend}'s up to summation order (dot products are summed lane-wise) and, for
 * {@link Activation#SWISH} and the attention softmax, a float {@code exp} instead of a double one.
 */
public final class VectorBackend implements Backend {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int L = FS.length();
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, FS.vectorShape());
    /** L shorts and L bytes: the raw f16/bf16 and q8 weights of one float vector. */
    private static final VectorSpecies<Short> SS = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    private static final VectorSpecies<Byte> BS = L * 8 >= 64
            ? VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8)) : null;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

    /** Register tile of the matmul kernel: x rows × weight rows. */
    private static final int TR = 4;
    private static final int TC = 3;
    /** Rows of an x panel of the outer-product kernel: two vectors. */
    private static final int PR = 2 * L;
    /** Rows from which x is packed into panels. */
    private static final int PACK_MIN_ROWS = 8;
    /**
     * Register tile of the row kernel: x rows (each element broadcast) × weight columns (two vectors of a weight
     * panel). 12 rows use 24 of AVX-512's 32 vector registers; with 16 registers (AVX2, NEON) 6 rows fit.
     */
    private static final int MR = L >= 16 ? 12 : 6;
    private static final int NR = 2 * L;
    /** Register tile of the outer-product kernel: weight rows (each broadcast) × x panel rows (two vectors). */
    private static final int MW = MR;
    /**
     * Rows from which the weights, not x, may be packed into panels: the row kernel then writes whole output rows
     * with vector stores, but packing the weights costs about one pass over them per call, which only many rows
     * repay (see {@link #packWeightsFor}).
     */
    private static final int WEIGHT_PANEL_MIN_ROWS = 32;
    /** Depth up to which a row-tile multiply skips the register tile ({@link #shallowBlock}). */
    private static final int SHALLOW_IN = 16;
    /** Decoded weight block per thread; sized to stay in L2 while all x rows stream past it. */
    private static final int BLOCK_BYTES = 64 * 1024;
    /** Multiply-adds below which an operation stays on the calling thread. */
    private static final long PARALLEL_MIN_WORK = 1L << 20;

    /** k-block of the x transposition: PACK_K · PR floats of panel stay in L1. */
    private static final int PACK_K = 64;
    /**
     * The calling thread's panel buffer, kept between calls: x is packed into it before a parallel loop and only read
     * during it, and a thread runs one backend call at a time.
     */
    private static final ThreadLocal<float[]> PANELS = ThreadLocal.withInitial(() -> new float[0]);
    /**
     * The calling thread's buffer for an expert layer's hidden activations (panels or rows), kept between calls like
     * {@link #PANELS}: a layer of L (32 experts, 748 frames) would otherwise allocate and zero 8 MB per call.
     */
    private static final ThreadLocal<float[]> HIDDEN = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * Each thread's scratch for multiplies and for attention, kept between calls: fresh per call they were a third
     * of everything a pass allocated (and zeroed). A thread runs one item at a time, and every item writes what it
     * reads of them first (attention's zero padding included, as long as frames and d_k stay the same).
     */
    private static final ThreadLocal<GemmScratch> GEMM_SCRATCH = ThreadLocal.withInitial(GemmScratch::new);
    private static final ThreadLocal<AttentionScratch> ATTENTION_SCRATCH = new ThreadLocal<>();

    private static final ConcurrentHashMap<Integer, ForkJoinPool> SHARED_POOLS = new ConcurrentHashMap<>();

    private final int threads;
    private final ForkJoinPool pool;
    private final long parallelMinWork;

    /** A backend using {@code threads} threads: the caller plus {@code threads - 1} workers of a shared daemon pool. */
    public VectorBackend(int threads) {
        this(threads, threads > 1 ? sharedPool(threads - 1) : null);
    }

    /**
     * A backend splitting each operation into at most {@code threads} parts, run by the calling thread and
     * {@code pool} (which the caller owns; null when {@code threads == 1}).
     */
    public VectorBackend(int threads, ForkJoinPool pool) {
        this(threads, pool, PARALLEL_MIN_WORK);
    }

    /** With another threshold for going parallel: tests use 0 to split even tiny problems. */
    VectorBackend(int threads, ForkJoinPool pool, long parallelMinWork) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        if (threads > 1 && pool == null) {
            throw new IllegalArgumentException("a pool is needed for " + threads + " threads");
        }
        this.threads = threads;
        this.pool = pool;
        this.parallelMinWork = parallelMinWork;
    }

    private static ForkJoinPool sharedPool(int workers) {
        return SHARED_POOLS.computeIfAbsent(workers, n -> {
            AtomicInteger count = new AtomicInteger();
            return new ForkJoinPool(n, p -> {
                var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
                t.setName("speechmoe-vector-" + n + "-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            }, null, false);
        });
    }

    /** The float vector length this backend runs with (8 with AVX2, 16 with AVX-512). */
    public static int vectorLength() {
        return L;
    }

    public int threads() {
        return threads;
    }

    @Override
    public String name() {
        return "vector";
    }

    // ---------------------------------------------------------------------------------------------------------
    // parallel loop

    /**
     * Runs {@code body(i)} for {@code i < items}: each participating thread builds its own body (its scratch) with
     * {@code perThread} and takes items from a shared counter.
     */
    private void forEach(int items, long work, Supplier<IntConsumer> perThread) {
        int workers = (int) Math.min(work >= parallelMinWork ? threads : 1, items);
        if (workers <= 1) {
            if (items > 0) {
                IntConsumer body = perThread.get();
                for (int i = 0; i < items; i++) {
                    body.accept(i);
                }
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable drain = () -> {
            IntConsumer body = null;
            for (int i; (i = next.getAndIncrement()) < items; ) {
                if (body == null) {
                    body = perThread.get();
                }
                body.accept(i);
            }
        };
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[workers - 1];
        for (int k = 0; k < tasks.length; k++) {
            tasks[k] = pool.submit(drain);
        }
        Throwable failure = null;
        try {
            drain.run();
        } catch (Throwable t) {
            failure = t;
        }
        for (ForkJoinTask<?> task : tasks) {
            try {
                task.join();
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                } else {
                    failure.addSuppressed(t);
                }
            }
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        } else if (failure instanceof Error e) {
            throw e;
        } else if (failure != null) {
            throw new RuntimeException(failure);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // matmul

    /** An {@link Epilogue} whose bias and row scales start at offsets (one expert's slice of the stacked arrays). */
    private record Ep(float[] bias, int biasOffset, Activation activation, float scale, float[] rowScale,
                      int rowScaleOffset, boolean accumulate) {
        static Ep of(Epilogue e) {
            return new Ep(e.bias(), 0, e.activation(), e.scale(), e.rowScale(), 0, e.accumulate());
        }

        float apply(float dot, int row, int col, float previous) {
            float v = activation.apply(bias == null ? dot : dot + bias[biasOffset + col]);
            v *= rowScale == null ? scale : scale * rowScale[rowScaleOffset + row];
            return accumulate ? previous + v : v;
        }
    }

    /**
     * One matrix multiply, as the items of a parallel loop: (weight block, row chunk) pairs. With at least
     * {@value #PACK_MIN_ROWS} rows, x is first transposed into panels of {@code 2L} rows ({@code [k][row]}) and each
     * tile is an outer product: 6 decoded weights broadcast against 2 vectors of panel rows. Fewer rows use dot
     * products over {@code in} (4 x rows × 3 weight rows), which need no packing.
     */
    private static final class Gemm {
        final float[] x;
        final int xOffset;
        final int rows;
        final Matrix w;
        final float[] y;
        final int yOffset;
        final Ep ep;
        /** x packed into panels (outer products against weight rows). */
        final boolean packed;
        /** The weights packed into panels (x rows broadcast against them); excludes {@link #packed}. */
        final boolean rowTiles;
        /** Weight rows per kernel tile, and per block (a multiple of it). */
        final int colUnit;
        final int blockRows;
        final int blocks;
        /** x rows per kernel tile, and per chunk (a multiple of it). */
        final int rowUnit;
        final int chunkRows;
        final int rowChunks;
        /** x as panels: {@code panels[panelsOffset + (p·in + k)·PR + r] = x[p·PR + r, k]}, zero past the last row. */
        float[] panels;
        int panelsOffset;
        /** {@code scale · rowScale[r]} for every panel row, zero past the last row. */
        float[] rowScales;
        /**
         * When set, the outer product's results go to panels ({@code panelOut[panelOutOffset + (p·out + o)·PR + r]})
         * instead of y: the layout the next multiply's {@link #panels} take as they are.
         */
        float[] panelOut;
        int panelOutOffset;

        Gemm(float[] x, int xOffset, int rows, Matrix w, float[] y, int yOffset, Ep ep, int threads) {
            this(x, xOffset, rows, w, y, yOffset, ep, threads, false);
        }

        /** With {@code outerProduct}, x is packed (or given as panels) whatever the shape. */
        Gemm(float[] x, int xOffset, int rows, Matrix w, float[] y, int yOffset, Ep ep, int threads,
             boolean outerProduct) {
            this.x = x;
            this.xOffset = xOffset;
            this.rows = rows;
            this.w = w;
            this.y = y;
            this.yOffset = yOffset;
            this.ep = ep;
            int in = w.cols();
            int out = w.rows();
            rowTiles = !outerProduct && packWeightsFor(rows, w.cols(), w.rows());
            // fewer outputs than one tile's weight rows (a router's few experts) would pay for packing x and use
            // part of each tile: dot products need neither
            packed = outerProduct || !rowTiles && rows >= PACK_MIN_ROWS && out >= MW;
            colUnit = rowTiles ? NR : packed ? MW : TC;
            rowUnit = rowTiles ? MR : packed ? PR : TR;
            int maxBlock = Math.max(colUnit, BLOCK_BYTES / (4 * Math.max(in, 1)) / colUnit * colUnit);
            // enough blocks that threads share the columns, but not smaller than the kernel's tile
            int spread = roundUp(ceilDiv(out, 2 * threads), colUnit);
            blockRows = Math.min(maxBlock, Math.max(colUnit, spread));
            blocks = ceilDiv(out, blockRows);
            int units = ceilDiv(rows, rowUnit);
            int chunks = 1;
            if (threads > 1 && blocks < 2 * threads) {
                chunks = Math.min(ceilDiv(2 * threads, blocks), units);
            }
            chunkRows = ceilDiv(units, chunks) * rowUnit;
            rowChunks = ceilDiv(rows, chunkRows);
        }

        /** Floats {@link #prepare} needs for the panels. */
        int panelFloats() {
            return packed && panels == null ? ceilDiv(rows, PR) * PR * w.cols() : 0;
        }

        /**
         * Packs x into {@code buffer} from {@code at} (on the calling thread, before the parallel loop; about 1/out of
         * the multiply's work), transposing k-blocks small enough to stay in L1.
         */
        void prepare(float[] buffer, int at) {
            if (packed && panels == null) {
                setPanels(buffer, at);
                pack(0, ceilDiv(rows, PR));
            }
        }

        void setPanels(float[] buffer, int at) {
            panels = buffer;
            panelsOffset = at;
            rowScales = new float[ceilDiv(rows, PR) * PR];
            for (int r = 0; r < rows; r++) {
                rowScales[r] = ep.rowScale == null ? ep.scale : ep.scale * ep.rowScale[ep.rowScaleOffset + r];
            }
        }

        /** Packs panels {@code [from, to)}. */
        void pack(int from, int to) {
            int in = w.cols();
            float[] buffer = panels;
            for (int p = from; p < to; p++) {
                int base = panelsOffset + p * in * PR;
                int n = Math.min(PR, rows - p * PR);
                for (int k0 = 0; k0 < in; k0 += PACK_K) {
                    int k1 = Math.min(in, k0 + PACK_K);
                    for (int r = 0; r < n; r++) {
                        int src = xOffset + (p * PR + r) * in;
                        for (int k = k0, dst = base + k0 * PR + r; k < k1; k++, dst += PR) {
                            buffer[dst] = x[src + k];
                        }
                    }
                    for (int r = n; r < PR; r++) {
                        for (int k = k0, dst = base + k0 * PR + r; k < k1; k++, dst += PR) {
                            buffer[dst] = 0f;
                        }
                    }
                }
            }
        }

        int items() {
            return blocks * rowChunks;
        }

        long work() {
            return (long) rows * w.rows() * w.cols();
        }

        void run(int item, GemmScratch scratch) {
            int b = item / rowChunks;
            int c = item % rowChunks;
            int colFrom = b * blockRows;
            int colTo = Math.min(w.rows(), colFrom + blockRows);
            int rowFrom = c * chunkRows;
            int rowTo = Math.min(rows, rowFrom + chunkRows);
            int in = w.cols();
            int nc = colTo - colFrom;
            int ncPad = roundUp(nc, colUnit);
            float[] block = scratch.block(roundUp(blockRows, colUnit) * in);
            decodeRows(w, colFrom, nc, block);
            if (ncPad > nc) {
                Arrays.fill(block, nc * in, ncPad * in, 0f);
            }
            if (rowTiles) {
                float[] panels = scratch.weightPanels(ncPad * in);
                packWeights(block, ncPad, in, panels, scratch.rowStarts(in));
                if (in <= SHALLOW_IN && ep.activation != Activation.SWISH) {
                    shallowBlock(this, rowFrom, rowTo, colFrom, colTo, panels);
                } else {
                    rowTileBlock(this, rowFrom, rowTo, colFrom, colTo, panels, scratch.dots(MR * NR));
                }
            } else if (packed) {
                packedBlock(this, rowFrom, rowTo, colFrom, colTo, block, scratch.dots(MW * PR));
            } else {
                dotBlock(this, rowFrom, rowTo, colFrom, colTo, block, scratch.dots(TR * ncPad));
            }
        }
    }

    /**
     * Whether a {@code rows × in → out} multiply packs its weights (row kernel) rather than x (outer-product kernel).
     * Packing the weights costs about one pass over them per call (≈ 0.4 ns per weight here), whatever the rows; the
     * outer product's cost is its transposed scalar epilogue, one store per output with a stride of {@code out}
     * floats, which turns pathological from {@code out} = 1024 (4 KiB strides). Measured crossovers
     * ({@code GemmBenchmark}, 1 thread, AVX-512): 256→1024 between 16 and 32 rows, 256→256 between 64 and 128,
     * 2048→512 near 128, 1024→256 above 128. Very deep multiplies (the subsampling's output linear, 4864 and 9728
     * inputs) stream x panels longer than L2 holds: at 1216 rows 9728→512 ran in 41 ms with row tiles and 72 ms as
     * outer products, hence the cap at 256 rows.
     */
    static boolean packWeightsFor(int rows, int in, int out) {
        return rows >= WEIGHT_PANEL_MIN_ROWS && (out >= 1024 || rows >= Math.max(96, Math.min(in / 4, 256)));
    }

    private static float[] panelBuffer(int floats) {
        return buffer(PANELS, floats);
    }

    private static float[] buffer(ThreadLocal<float[]> local, int floats) {
        float[] buffer = local.get();
        if (buffer.length < floats) {
            buffer = new float[floats];
            local.set(buffer);
        }
        return buffer;
    }

    /** One thread's scratch for matrix multiplies: a decoded weight block and the dot products of one x tile. */
    private static final class GemmScratch {
        private float[] block = new float[0];
        private float[] dots = new float[0];
        private float[] weightPanels = new float[0];
        /** {@code i · in} for the L lanes of the weight-panel gather, for the {@code in} of the last call. */
        private final int[] rowStarts = new int[L];
        private int rowStartsIn = -1;

        int[] rowStarts(int in) {
            if (rowStartsIn != in) {
                for (int i = 0; i < L; i++) {
                    rowStarts[i] = i * in;
                }
                rowStartsIn = in;
            }
            return rowStarts;
        }

        float[] weightPanels(int n) {
            if (weightPanels.length < n) {
                weightPanels = new float[n];
            }
            return weightPanels;
        }

        float[] block(int n) {
            if (block.length < n) {
                block = new float[n];
            }
            return block;
        }

        float[] dots(int n) {
            if (dots.length < n) {
                dots = new float[n];
            }
            return dots;
        }
    }

    @Override
    public void matmul(float[] x, int xOffset, int rows, Matrix w, float[] y, int yOffset, Epilogue epilogue) {
        if (rows <= 0 || w.rows() == 0) {
            return;
        }
        Gemm g = new Gemm(x, xOffset, rows, w, y, yOffset, Ep.of(epilogue), threads);
        if (g.packed) {
            g.setPanels(panelBuffer(g.panelFloats()), 0);
            int panels = ceilDiv(rows, PR);
            int group = Math.max(1, ceilDiv(panels, 4 * threads));
            // packing is worth splitting only when the multiply itself is
            forEach(ceilDiv(panels, group), g.work(), () -> item -> g.pack(item * group,
                    Math.min(panels, (item + 1) * group)));
        }
        forEach(g.items(), g.work(), () -> {
            GemmScratch scratch = GEMM_SCRATCH.get();
            return item -> g.run(item, scratch);
        });
    }

    /**
     * The decoded weight rows of {@code block} ({@code n × in}, n a multiple of {@link #NR}) as panels of NR
     * columns: {@code panels[(p·in + k)·NR + c] = block[(p·NR + c)·in + k]}.
     */
    private static void packWeights(float[] block, int n, int in, float[] panels, int[] lanes) {
        for (int p = 0; p < n / NR; p++) {
            int base = p * in * NR;
            for (int h = 0; h < NR; h += L) {
                int src = (p * NR + h) * in;
                for (int k = 0, dst = base + h; k < in; k++, dst += NR) {
                    FloatVector.fromArray(FS, block, src + k, lanes, 0).intoArray(panels, dst);
                }
            }
        }
    }

    /**
     * Rows {@code [rowFrom, rowTo)} against the weight panels of columns {@code [colFrom, colTo)}, {@link #MR} rows
     * at a time (a short last tile repeats its last row), each output row written with vector stores.
     */
    private static void rowTileBlock(Gemm g, int rowFrom, int rowTo, int colFrom, int colTo, float[] panels,
                                     float[] tile) {
        int in = g.w.cols();
        int out = g.w.rows();
        int nc = colTo - colFrom;
        for (int r = rowFrom; r < rowTo; r += MR) {
            int n = Math.min(MR, rowTo - r);
            int xa = g.xOffset + r * in;
            for (int c = 0; c < nc; c += NR) {
                tile(g.x, xa, in, n, panels, c * in, NR, in, tile);
                int m = Math.min(NR, nc - c);
                for (int i = 0; i < n; i++) {
                    epilogue(g.ep, tile, i * NR, g.y, g.yOffset + (r + i) * out + colFrom + c, r + i, colFrom + c, m);
                }
            }
        }
    }

    /**
     * Rows {@code [rowFrom, rowTo)} against the weight panels when the depth is a few inputs (the first subsampling
     * convolution's nine taps): the register tile's store and reload would cost more than its multiply-adds, so each
     * row's outputs go from the accumulators through the epilogue (no swish) straight to y. Same order of operations
     * as {@link #rowTileBlock}: the sum over k from zero, then bias, activation, scale, accumulation.
     */
    private static void shallowBlock(Gemm g, int rowFrom, int rowTo, int colFrom, int colTo, float[] panels) {
        int in = g.w.cols();
        int out = g.w.rows();
        int nc = colTo - colFrom;
        Ep ep = g.ep;
        for (int r = rowFrom; r < rowTo; r++) {
            int xa = g.xOffset + r * in;
            float s = ep.rowScale == null ? ep.scale : ep.scale * ep.rowScale[ep.rowScaleOffset + r];
            for (int c = 0; c < nc; c += NR) {
                int pa = c * in;
                FloatVector a0 = FloatVector.zero(FS);
                FloatVector a1 = a0;
                for (int k = 0; k < in; k++) {
                    FloatVector xk = FloatVector.broadcast(FS, g.x[xa + k]);
                    a0 = xk.fma(FloatVector.fromArray(FS, panels, pa + k * NR), a0);
                    a1 = xk.fma(FloatVector.fromArray(FS, panels, pa + k * NR + L), a1);
                }
                int ya = g.yOffset + r * out + colFrom + c;
                shallowStore(ep, a0, s, g.y, ya, ep.biasOffset + colFrom + c, nc - c);
                shallowStore(ep, a1, s, g.y, ya + L, ep.biasOffset + colFrom + c + L, nc - c - L);
            }
        }
    }

    /** The epilogue of {@code m} (≤ 0: none; past L: L) columns of one accumulator, stored to {@code y[ya..]}. */
    private static void shallowStore(Ep ep, FloatVector v, float scale, float[] y, int ya, int ba, int m) {
        if (m <= 0) {
            return;
        }
        VectorMask<Float> mask = FS.indexInRange(0, Math.min(m, L));
        if (ep.bias != null) {
            v = v.add(FloatVector.fromArray(FS, ep.bias, ba, mask));
        }
        if (ep.activation == Activation.RELU) {
            v = v.max(0f);
        }
        v = v.mul(scale);
        if (ep.accumulate) {
            v = FloatVector.fromArray(FS, y, ya, mask).add(v);
        }
        v.intoArray(y, ya, mask);
    }

    /** The widest tile the vector registers hold: {@link #tile12x2} with 32 of them, else {@link #tile6x2}. */
    private static void tile(float[] b, int ba, int bStride, int bRows, float[] panels, int pa, int pStride, int depth,
                             float[] tile) {
        if (MR == 12) {
            tile12x2(b, ba, bStride, bRows, panels, pa, pStride, depth, tile);
        } else {
            tile6x2(b, ba, bStride, bRows, panels, pa, pStride, depth, tile);
        }
    }

    /**
     * The register tile every multiply here runs on: {@code tile[i·PR + c] = Σ_{k < depth} b[ba + i'·bStride + k] ·
     * panels[pa + k·pStride + c]} for {@code i < 12} ({@code i' = min(i, bRows - 1)}: a short tile repeats its last
     * row) and the {@code c < PR = 2L} columns of a panel. Each b element is broadcast against two panel vectors; 24
     * accumulators, which AVX-512's 32 vector registers hold. The row kernel broadcasts x rows against weight panels,
     * the outer-product kernel weight rows against x panels, attention queries against keys and scores against values.
     */
    private static void tile12x2(float[] b, int ba, int bStride, int bRows, float[] panels, int pa, int pStride,
                                 int depth, float[] tile) {
        FloatVector a00 = FloatVector.zero(FS), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00;
        FloatVector a30 = a00, a31 = a00, a40 = a00, a41 = a00, a50 = a00, a51 = a00;
        FloatVector a60 = a00, a61 = a00, a70 = a00, a71 = a00, a80 = a00, a81 = a00;
        FloatVector a90 = a00, a91 = a00, aa0 = a00, aa1 = a00, ab0 = a00, ab1 = a00;
        int last = bRows - 1;
        int r0 = ba;
        int r1 = ba + Math.min(1, last) * bStride;
        int r2 = ba + Math.min(2, last) * bStride;
        int r3 = ba + Math.min(3, last) * bStride;
        int r4 = ba + Math.min(4, last) * bStride;
        int r5 = ba + Math.min(5, last) * bStride;
        int r6 = ba + Math.min(6, last) * bStride;
        int r7 = ba + Math.min(7, last) * bStride;
        int r8 = ba + Math.min(8, last) * bStride;
        int r9 = ba + Math.min(9, last) * bStride;
        int ra = ba + Math.min(10, last) * bStride;
        int rb = ba + Math.min(11, last) * bStride;
        for (int k = 0, at = pa; k < depth; k++, at += pStride) {
            FloatVector w0 = FloatVector.fromArray(FS, panels, at);
            FloatVector w1 = FloatVector.fromArray(FS, panels, at + L);
            FloatVector x = FloatVector.broadcast(FS, b[r0 + k]);
            a00 = x.fma(w0, a00);
            a01 = x.fma(w1, a01);
            x = FloatVector.broadcast(FS, b[r1 + k]);
            a10 = x.fma(w0, a10);
            a11 = x.fma(w1, a11);
            x = FloatVector.broadcast(FS, b[r2 + k]);
            a20 = x.fma(w0, a20);
            a21 = x.fma(w1, a21);
            x = FloatVector.broadcast(FS, b[r3 + k]);
            a30 = x.fma(w0, a30);
            a31 = x.fma(w1, a31);
            x = FloatVector.broadcast(FS, b[r4 + k]);
            a40 = x.fma(w0, a40);
            a41 = x.fma(w1, a41);
            x = FloatVector.broadcast(FS, b[r5 + k]);
            a50 = x.fma(w0, a50);
            a51 = x.fma(w1, a51);
            x = FloatVector.broadcast(FS, b[r6 + k]);
            a60 = x.fma(w0, a60);
            a61 = x.fma(w1, a61);
            x = FloatVector.broadcast(FS, b[r7 + k]);
            a70 = x.fma(w0, a70);
            a71 = x.fma(w1, a71);
            x = FloatVector.broadcast(FS, b[r8 + k]);
            a80 = x.fma(w0, a80);
            a81 = x.fma(w1, a81);
            x = FloatVector.broadcast(FS, b[r9 + k]);
            a90 = x.fma(w0, a90);
            a91 = x.fma(w1, a91);
            x = FloatVector.broadcast(FS, b[ra + k]);
            aa0 = x.fma(w0, aa0);
            aa1 = x.fma(w1, aa1);
            x = FloatVector.broadcast(FS, b[rb + k]);
            ab0 = x.fma(w0, ab0);
            ab1 = x.fma(w1, ab1);
        }
        a00.intoArray(tile, 0);
        a01.intoArray(tile, L);
        a10.intoArray(tile, PR);
        a11.intoArray(tile, PR + L);
        a20.intoArray(tile, 2 * PR);
        a21.intoArray(tile, 2 * PR + L);
        a30.intoArray(tile, 3 * PR);
        a31.intoArray(tile, 3 * PR + L);
        a40.intoArray(tile, 4 * PR);
        a41.intoArray(tile, 4 * PR + L);
        a50.intoArray(tile, 5 * PR);
        a51.intoArray(tile, 5 * PR + L);
        a60.intoArray(tile, 6 * PR);
        a61.intoArray(tile, 6 * PR + L);
        a70.intoArray(tile, 7 * PR);
        a71.intoArray(tile, 7 * PR + L);
        a80.intoArray(tile, 8 * PR);
        a81.intoArray(tile, 8 * PR + L);
        a90.intoArray(tile, 9 * PR);
        a91.intoArray(tile, 9 * PR + L);
        aa0.intoArray(tile, 10 * PR);
        aa1.intoArray(tile, 10 * PR + L);
        ab0.intoArray(tile, 11 * PR);
        ab1.intoArray(tile, 11 * PR + L);
    }

    /** {@link #tile12x2} with 6 rows: the tile that fits 16 vector registers (AVX2, NEON). */
    private static void tile6x2(float[] b, int ba, int bStride, int bRows, float[] panels, int pa, int pStride,
                                int depth, float[] tile) {
        FloatVector a00 = FloatVector.zero(FS), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00;
        FloatVector a30 = a00, a31 = a00, a40 = a00, a41 = a00, a50 = a00, a51 = a00;
        int last = bRows - 1;
        int r0 = ba;
        int r1 = ba + Math.min(1, last) * bStride;
        int r2 = ba + Math.min(2, last) * bStride;
        int r3 = ba + Math.min(3, last) * bStride;
        int r4 = ba + Math.min(4, last) * bStride;
        int r5 = ba + Math.min(5, last) * bStride;
        for (int k = 0, at = pa; k < depth; k++, at += pStride) {
            FloatVector w0 = FloatVector.fromArray(FS, panels, at);
            FloatVector w1 = FloatVector.fromArray(FS, panels, at + L);
            FloatVector x = FloatVector.broadcast(FS, b[r0 + k]);
            a00 = x.fma(w0, a00);
            a01 = x.fma(w1, a01);
            x = FloatVector.broadcast(FS, b[r1 + k]);
            a10 = x.fma(w0, a10);
            a11 = x.fma(w1, a11);
            x = FloatVector.broadcast(FS, b[r2 + k]);
            a20 = x.fma(w0, a20);
            a21 = x.fma(w1, a21);
            x = FloatVector.broadcast(FS, b[r3 + k]);
            a30 = x.fma(w0, a30);
            a31 = x.fma(w1, a31);
            x = FloatVector.broadcast(FS, b[r4 + k]);
            a40 = x.fma(w0, a40);
            a41 = x.fma(w1, a41);
            x = FloatVector.broadcast(FS, b[r5 + k]);
            a50 = x.fma(w0, a50);
            a51 = x.fma(w1, a51);
        }
        a00.intoArray(tile, 0);
        a01.intoArray(tile, L);
        a10.intoArray(tile, PR);
        a11.intoArray(tile, PR + L);
        a20.intoArray(tile, 2 * PR);
        a21.intoArray(tile, 2 * PR + L);
        a30.intoArray(tile, 3 * PR);
        a31.intoArray(tile, 3 * PR + L);
        a40.intoArray(tile, 4 * PR);
        a41.intoArray(tile, 4 * PR + L);
        a50.intoArray(tile, 5 * PR);
        a51.intoArray(tile, 5 * PR + L);
    }

    /** Rows {@code [rowFrom, rowTo)} (whole panels) against the decoded weight rows {@code [colFrom, colTo)}. */
    private static void packedBlock(Gemm g, int rowFrom, int rowTo, int colFrom, int colTo, float[] block,
                                    float[] tile) {
        int in = g.w.cols();
        int nc = colTo - colFrom;
        for (int p = rowFrom / PR; p * PR < rowTo; p++) {
            int pa = g.panelsOffset + p * in * PR;
            for (int c = 0; c < nc; c += MW) {
                tile(block, c * in, in, MW, g.panels, pa, PR, in, tile);
                packedEpilogue(g, tile, p * PR, Math.min(PR, g.rows - p * PR), colFrom + c, Math.min(MW, nc - c));
            }
        }
    }

    /**
     * The epilogue of one tile, vectorized along its rows (the bias is one broadcast per column), then stored
     * transposed into y: {@code n} rows from {@code row}, {@code m} columns from {@code col}.
     */
    private static void packedEpilogue(Gemm g, float[] tile, int row, int n, int col, int m) {
        Ep ep = g.ep;
        int out = g.w.rows();
        float[] y = g.y;
        for (int j = 0; j < m; j++) {
            float bias = ep.bias == null ? 0f : ep.bias[ep.biasOffset + col + j];
            // panels hand all their lanes to the next multiply: no stale values in the rows past n
            int nv = g.panelOut != null ? PR : roundUp(n, L);
            for (int h = 0; h < nv; h += L) {
                FloatVector v = FloatVector.fromArray(FS, tile, j * PR + h);
                if (ep.bias != null) {
                    v = v.add(bias);
                }
                if (ep.activation == Activation.RELU) {
                    v = v.max(0f);
                }
                v.intoArray(tile, j * PR + h);
            }
            if (ep.activation == Activation.SWISH) {
                VectorMath.swish(tile, j * PR, nv);
            }
            for (int h = 0; h < nv; h += L) {
                FloatVector.fromArray(FS, tile, j * PR + h).mul(FloatVector.fromArray(FS, g.rowScales, row + h))
                        .intoArray(tile, j * PR + h);
            }
            if (g.panelOut != null) {
                System.arraycopy(tile, j * PR, g.panelOut, g.panelOutOffset + (row / PR * out + col + j) * PR, PR);
                continue;
            }
            int at = g.yOffset + row * out + col + j;
            if (ep.accumulate) {
                for (int r = 0; r < n; r++, at += out) {
                    y[at] += tile[j * PR + r];
                }
            } else {
                for (int r = 0; r < n; r++, at += out) {
                    y[at] = tile[j * PR + r];
                }
            }
        }
    }

    private static void dotBlock(Gemm g, int rowFrom, int rowTo, int colFrom, int colTo, float[] block,
                                 float[] dots) {
        int in = g.w.cols();
        int out = g.w.rows();
        int nc = colTo - colFrom;
        int ncPad = roundUp(nc, TC);
        float[] x = g.x;
        int r = rowFrom;
        for (; r + TR <= rowTo; r += TR) {
            int xa = g.xOffset + r * in;
            for (int c = 0; c < ncPad; c += TC) {
                kernel4x3(x, xa, in, block, c * in, dots, c, ncPad);
            }
            for (int i = 0; i < TR; i++) {
                epilogue(g.ep, dots, i * ncPad, g.y, g.yOffset + (r + i) * out + colFrom, r + i, colFrom, nc);
            }
        }
        for (; r < rowTo; r++) {
            int xa = g.xOffset + r * in;
            for (int c = 0; c < ncPad; c += TC) {
                kernel1x3(x, xa, in, block, c * in, dots, c);
            }
            epilogue(g.ep, dots, 0, g.y, g.yOffset + r * out + colFrom, r, colFrom, nc);
        }
    }

    /**
     * {@code dots[d + i·stride + j] = Σ x[xa + i·in + k] · block[wa + j·in + k]} for 4 x rows i and 3 weight rows j.
     */
    private static void kernel4x3(float[] x, int xa, int in, float[] block, int wa, float[] dots, int d,
                                  int stride) {
        FloatVector a00 = FloatVector.zero(FS), a01 = a00, a02 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00;
        int x0 = xa, x1 = x0 + in, x2 = x1 + in, x3 = x2 + in;
        int w0 = wa, w1 = w0 + in, w2 = w1 + in;
        int bound = FS.loopBound(in);
        for (int k = 0; k < bound; k += L) {
            FloatVector b0 = FloatVector.fromArray(FS, block, w0 + k);
            FloatVector b1 = FloatVector.fromArray(FS, block, w1 + k);
            FloatVector b2 = FloatVector.fromArray(FS, block, w2 + k);
            FloatVector v = FloatVector.fromArray(FS, x, x0 + k);
            a00 = v.fma(b0, a00);
            a01 = v.fma(b1, a01);
            a02 = v.fma(b2, a02);
            v = FloatVector.fromArray(FS, x, x1 + k);
            a10 = v.fma(b0, a10);
            a11 = v.fma(b1, a11);
            a12 = v.fma(b2, a12);
            v = FloatVector.fromArray(FS, x, x2 + k);
            a20 = v.fma(b0, a20);
            a21 = v.fma(b1, a21);
            a22 = v.fma(b2, a22);
            v = FloatVector.fromArray(FS, x, x3 + k);
            a30 = v.fma(b0, a30);
            a31 = v.fma(b1, a31);
            a32 = v.fma(b2, a32);
        }
        float s00 = VectorMath.sum(a00), s01 = VectorMath.sum(a01);
        float s02 = VectorMath.sum(a02), s10 = VectorMath.sum(a10);
        float s11 = VectorMath.sum(a11), s12 = VectorMath.sum(a12);
        float s20 = VectorMath.sum(a20), s21 = VectorMath.sum(a21);
        float s22 = VectorMath.sum(a22), s30 = VectorMath.sum(a30);
        float s31 = VectorMath.sum(a31), s32 = VectorMath.sum(a32);
        for (int k = bound; k < in; k++) {
            float b0 = block[w0 + k], b1 = block[w1 + k], b2 = block[w2 + k];
            float v = x[x0 + k];
            s00 += v * b0;
            s01 += v * b1;
            s02 += v * b2;
            v = x[x1 + k];
            s10 += v * b0;
            s11 += v * b1;
            s12 += v * b2;
            v = x[x2 + k];
            s20 += v * b0;
            s21 += v * b1;
            s22 += v * b2;
            v = x[x3 + k];
            s30 += v * b0;
            s31 += v * b1;
            s32 += v * b2;
        }
        int d1 = d + stride, d2 = d1 + stride, d3 = d2 + stride;
        dots[d] = s00;
        dots[d + 1] = s01;
        dots[d + 2] = s02;
        dots[d1] = s10;
        dots[d1 + 1] = s11;
        dots[d1 + 2] = s12;
        dots[d2] = s20;
        dots[d2 + 1] = s21;
        dots[d2 + 2] = s22;
        dots[d3] = s30;
        dots[d3 + 1] = s31;
        dots[d3 + 2] = s32;
    }

    /** One x row against 3 weight rows: the rows left over after the 4-row tiles. */
    private static void kernel1x3(float[] x, int xa, int in, float[] block, int wa, float[] dots, int d) {
        FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0;
        int w0 = wa, w1 = w0 + in, w2 = w1 + in;
        int bound = FS.loopBound(in);
        for (int k = 0; k < bound; k += L) {
            FloatVector v = FloatVector.fromArray(FS, x, xa + k);
            a0 = v.fma(FloatVector.fromArray(FS, block, w0 + k), a0);
            a1 = v.fma(FloatVector.fromArray(FS, block, w1 + k), a1);
            a2 = v.fma(FloatVector.fromArray(FS, block, w2 + k), a2);
        }
        float s0 = VectorMath.sum(a0);
        float s1 = VectorMath.sum(a1);
        float s2 = VectorMath.sum(a2);
        for (int k = bound; k < in; k++) {
            float v = x[xa + k];
            s0 += v * block[w0 + k];
            s1 += v * block[w1 + k];
            s2 += v * block[w2 + k];
        }
        dots[d] = s0;
        dots[d + 1] = s1;
        dots[d + 2] = s2;
    }

    /** {@code y[ya + j] = ep(dots[da + j])} for the {@code n} columns {@code col..col+n} of row {@code row}. */
    private static void epilogue(Ep ep, float[] dots, int da, float[] y, int ya, int row, int col, int n) {
        float s = ep.rowScale == null ? ep.scale : ep.scale * ep.rowScale[ep.rowScaleOffset + row];
        FloatVector scale = FloatVector.broadcast(FS, s);
        int bound = FS.loopBound(n);
        float[] bias = ep.bias;
        int ba = ep.biasOffset + col;
        boolean swish = ep.activation == Activation.SWISH;
        if (swish) {
            // bias, then the activation over the row in place, then the rest as with no activation
            if (bias != null) {
                int j = 0;
                for (; j < bound; j += L) {
                    FloatVector.fromArray(FS, dots, da + j).add(FloatVector.fromArray(FS, bias, ba + j))
                            .intoArray(dots, da + j);
                }
                for (; j < n; j++) {
                    dots[da + j] += bias[ba + j];
                }
            }
            VectorMath.swish(dots, da, n);
        }
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector v = FloatVector.fromArray(FS, dots, da + j);
            if (!swish) {
                if (bias != null) {
                    v = v.add(FloatVector.fromArray(FS, bias, ba + j));
                }
                if (ep.activation == Activation.RELU) {
                    v = v.max(0f);
                }
            }
            v = v.mul(scale);
            if (ep.accumulate) {
                v = FloatVector.fromArray(FS, y, ya + j).add(v);
            }
            v.intoArray(y, ya + j);
        }
        for (; j < n; j++) {
            float v = swish ? dots[da + j] * s : ep.apply(dots[da + j], row, col + j, 0f);
            y[ya + j] = ep.accumulate ? y[ya + j] + v : v;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // weight decoding

    private static boolean vectorReadable(MemorySegment s) {
        return WeightRows.vectorReadable(s);
    }

    /** Decodes weight rows {@code [from, from + n)} into {@code out[0, n·cols)}, exactly as {@link Matrix#decodeRow}. */
    static void decodeRows(Matrix w, int from, int n, float[] out) {
        WeightRows.decode(w, from, n, out);
    }

    private static void decodeRowsScalar(Matrix w, int from, int n, float[] out) {
        WeightRows.decodeScalar(w, from, n, out);
    }

    /** bfloat16 → float: the bits become the high half. */
    private static FloatVector bf16(ShortVector h) {
        return Bf16Rows.bf16(h);
    }

    private static void halfsToFloats(short[] halfs, int n, float[] out, int at) {
        F16Rows.halfsToFloats(halfs, n, out, at);
    }

    // ---------------------------------------------------------------------------------------------------------
    // attention

    /**
     * Per head, two outer-product GEMMs on the matmul kernel: scores {@code [q+u | q+v] · [k | p]ᵀ} (the transposed
     * keys and positions stacked as one panel matrix of {@code 2·d_k} rows), then {@code softmax · V} reading the
     * value rows in place; six queries at a time, heads and query ranges spread over the threads.
     */
    @Override
    public void attention(float[] q, float[] k, float[] v, float[] p, float[] biasU, float[] biasV, int frames,
                          int heads, float[] out) {
        if (frames <= 0) {
            return;
        }
        int d = biasU.length;
        int dk = d / heads;
        int groups = ceilDiv(frames, MR);
        int chunks = Math.max(1, Math.min(ceilDiv(2 * threads, heads), ceilDiv(groups, 4)));
        int chunkGroups = ceilDiv(groups, chunks);
        int finalChunks = ceilDiv(groups, chunkGroups);
        long work = (long) frames * frames * d * 3;
        AttentionArgs a = new AttentionArgs(q, k, v, p, biasU, biasV, frames, d, dk, out);
        forEach(heads * finalChunks, work, () -> {
            AttentionScratch s = attentionScratch(frames, dk);
            return item -> {
                int h = item / finalChunks;
                int c = item % finalChunks;
                if (s.head != h) {
                    s.load(a, h);
                }
                int from = c * chunkGroups * MR;
                attentionHead(a, s, h, from, Math.min(frames, from + chunkGroups * MR));
            };
        });
    }

    private static AttentionScratch attentionScratch(int frames, int dk) {
        AttentionScratch s = ATTENTION_SCRATCH.get();
        if (s == null || s.frames != frames || s.dk != dk) {
            s = new AttentionScratch(frames, dk);
            ATTENTION_SCRATCH.set(s);
        }
        s.head = -1;
        return s;
    }

    private record AttentionArgs(float[] q, float[] k, float[] v, float[] p, float[] biasU, float[] biasV,
                                 int frames, int d, int dk, float[] out) {
    }

    /**
     * One thread's buffers; {@code keys} holds head {@code head}'s k and p transposed: {@code [2·d_k][frames]}; when
     * d_k is not a multiple of 2L, {@code values} holds its v rows padded to {@code valueStride} columns with zeros,
     * so that the last columns are a whole tile too.
     */
    private static final class AttentionScratch {
        final int frames;
        final int dk;
        final int stride;
        final int valueStride;
        final float[] values;
        final float[] keys;
        final float[] queries;
        final float[] scores;
        final float[] tile = new float[MR * PR];
        final float[] sums = new float[MR];
        int head = -1;

        AttentionScratch(int frames, int dk) {
            this.frames = frames;
            this.dk = dk;
            stride = roundUp(frames, PR);
            valueStride = roundUp(dk, PR);
            values = valueStride == dk ? null : new float[frames * valueStride];
            keys = new float[2 * dk * stride];
            queries = new float[MR * 2 * dk];
            scores = new float[MR * stride];
        }

        void load(AttentionArgs a, int h) {
            int col = h * a.dk;
            int pAt = a.dk * stride;
            for (int s = 0; s < a.frames; s++) {
                int src = s * a.d + col;
                for (int j = 0; j < a.dk; j++) {
                    keys[j * stride + s] = a.k[src + j];
                    keys[pAt + j * stride + s] = a.p[src + j];
                }
                if (values != null) {
                    System.arraycopy(a.v, src, values, s * valueStride, a.dk);
                }
            }
            head = h;
        }
    }

    /** Queries {@code [from, to)} of head h, six at a time (a short last group repeats its last query). */
    private static void attentionHead(AttentionArgs a, AttentionScratch s, int h, int from, int to) {
        int d = a.d;
        int dk = a.dk;
        int dk2 = 2 * dk;
        int col = h * dk;
        int frames = a.frames;
        int stride = s.stride;
        float norm = (float) (1.0 / Math.sqrt(dk));
        float[] queries = s.queries, scores = s.scores, tile = s.tile, sums = s.sums;
        for (int t0 = from; t0 < to; t0 += MR) {
            int n = Math.min(MR, to - t0);
            for (int i = 0; i < n; i++) {
                int t = t0 + Math.min(i, n - 1);
                for (int j = 0; j < dk; j++) {
                    float qj = a.q[t * d + col + j];
                    queries[i * dk2 + j] = qj + a.biasU[col + j];
                    queries[i * dk2 + dk + j] = qj + a.biasV[col + j];
                }
            }
            // scores[i][s] = (q_i + u)·k_s + (q_i + v)·p_s, times 1/sqrt(d_k)
            for (int s0 = 0; s0 < stride; s0 += PR) {
                tile(queries, 0, dk2, n, s.keys, s0, stride, dk2, tile);
                for (int i = 0; i < n; i++) {
                    for (int r = 0; r < PR; r += L) {
                        FloatVector.fromArray(FS, tile, i * PR + r).mul(norm).intoArray(scores, i * stride + s0 + r);
                    }
                }
            }
            // softmax numerators, and their sums
            for (int i = 0; i < n; i++) {
                int base = i * stride;
                Arrays.fill(scores, base + frames, base + stride, Float.NEGATIVE_INFINITY);
                FloatVector m = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY);
                for (int sv = 0; sv < stride; sv += L) {
                    m = m.max(FloatVector.fromArray(FS, scores, base + sv));
                }
                float max = m.reduceLanes(VectorOperators.MAX);
                sums[i] = VectorMath.expSum(scores, base, stride, max, true);
            }
            // out_t = Σ_s e[t, s] · v_s / sum_t, PR columns of d_k at a time
            float[] values = s.values == null ? a.v : s.values;
            int vAt = s.values == null ? col : 0;
            int vStride = s.values == null ? d : s.valueStride;
            for (int j = 0; j < dk; j += PR) {
                tile(scores, 0, stride, n, values, vAt + j, vStride, frames, tile);
                int m = Math.min(PR, dk - j);
                for (int i = 0; i < n; i++) {
                    int at = (t0 + i) * d + col + j;
                    if (m == PR) {
                        for (int r = 0; r < PR; r += L) {
                            FloatVector.fromArray(FS, tile, i * PR + r).div(sums[i]).intoArray(a.out, at + r);
                        }
                    } else {
                        for (int r = 0; r < m; r++) {
                            a.out[at + r] = tile[i * PR + r] / sums[i];
                        }
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // depthwise convolution

    @Override
    public void depthwiseConv(float[] x, int frames, int channels, float[] kernel, int kernelSize, float[] bias,
                              float[] out) {
        if (frames <= 0 || channels <= 0) {
            return;
        }
        // taps transposed to [K, channels] so that one vector load covers L channels of one tap
        float[] taps = new float[kernelSize * channels];
        for (int c = 0; c < channels; c++) {
            for (int j = 0; j < kernelSize; j++) {
                taps[j * channels + c] = kernel[c * kernelSize + j];
            }
        }
        int pad = (kernelSize - 1) / 2;
        int chunk = Math.max(1, ceilDiv(frames, 4 * threads));
        int items = ceilDiv(frames, chunk);
        long work = (long) frames * channels * kernelSize;
        forEach(items, work, () -> item -> {
            int from = item * chunk;
            int to = Math.min(frames, from + chunk);
            int bound = FS.loopBound(channels);
            for (int t = from; t < to; t++) {
                int jFrom = Math.max(0, pad - t);
                int jTo = Math.min(kernelSize, frames + pad - t);
                int o = t * channels;
                int c = 0;
                // four independent accumulation chains; each keeps the scalar order and rounding:
                // acc = bias; acc += tap · x, tap by tap (no fused multiply-add)
                for (; c + 4 * L <= channels; c += 4 * L) {
                    FloatVector a0 = FloatVector.fromArray(FS, bias, c);
                    FloatVector a1 = FloatVector.fromArray(FS, bias, c + L);
                    FloatVector a2 = FloatVector.fromArray(FS, bias, c + 2 * L);
                    FloatVector a3 = FloatVector.fromArray(FS, bias, c + 3 * L);
                    for (int j = jFrom; j < jTo; j++) {
                        int tap = j * channels + c;
                        int src = (t + j - pad) * channels + c;
                        a0 = a0.add(FloatVector.fromArray(FS, taps, tap).mul(FloatVector.fromArray(FS, x, src)));
                        a1 = a1.add(FloatVector.fromArray(FS, taps, tap + L)
                                .mul(FloatVector.fromArray(FS, x, src + L)));
                        a2 = a2.add(FloatVector.fromArray(FS, taps, tap + 2 * L)
                                .mul(FloatVector.fromArray(FS, x, src + 2 * L)));
                        a3 = a3.add(FloatVector.fromArray(FS, taps, tap + 3 * L)
                                .mul(FloatVector.fromArray(FS, x, src + 3 * L)));
                    }
                    a0.intoArray(out, o + c);
                    a1.intoArray(out, o + c + L);
                    a2.intoArray(out, o + c + 2 * L);
                    a3.intoArray(out, o + c + 3 * L);
                }
                for (; c < bound; c += L) {
                    FloatVector acc = FloatVector.fromArray(FS, bias, c);
                    for (int j = jFrom; j < jTo; j++) {
                        FloatVector tap = FloatVector.fromArray(FS, taps, j * channels + c);
                        acc = acc.add(tap.mul(FloatVector.fromArray(FS, x, (t + j - pad) * channels + c)));
                    }
                    acc.intoArray(out, o + c);
                }
                for (; c < channels; c++) {
                    float acc = bias[c];
                    for (int j = jFrom; j < jTo; j++) {
                        acc += kernel[c * kernelSize + j] * x[(t + j - pad) * channels + c];
                    }
                    out[o + c] = acc;
                }
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // element-wise and per-row passes: vectorized along the channels, rows spread over the threads

    /** Runs {@code body(from, to)} over row ranges; {@code costPerRow} weighs the split against its overhead. */
    @Override
    public void forRows(int rows, long costPerRow, RowRange body) {
        if (rows <= 0) {
            return;
        }
        int chunk = Math.max(1, ceilDiv(rows, 4 * threads));
        forEach(ceilDiv(rows, chunk), costPerRow * rows, () -> item -> body.run(item * chunk,
                Math.min(rows, (item + 1) * chunk)));
    }

    @Override
    public void layerNorm(float[] x, int frames, float[] weight, float[] bias, float eps, float[] out) {
        int d = weight.length;
        int bound = FS.loopBound(d);
        forRows(frames, 4L * d, (from, to) -> {
            for (int t = from; t < to; t++) {
                int base = t * d;
                FloatVector acc = FloatVector.zero(FS);
                int c = 0;
                for (; c < bound; c += L) {
                    acc = acc.add(FloatVector.fromArray(FS, x, base + c));
                }
                float sum = VectorMath.sum(acc);
                for (; c < d; c++) {
                    sum += x[base + c];
                }
                float mean = sum / d;
                acc = FloatVector.zero(FS);
                for (c = 0; c < bound; c += L) {
                    FloatVector dev = FloatVector.fromArray(FS, x, base + c).sub(mean);
                    acc = dev.fma(dev, acc);
                }
                float sq = VectorMath.sum(acc);
                for (; c < d; c++) {
                    float dev = x[base + c] - mean;
                    sq += dev * dev;
                }
                float inv = (float) (1.0 / Math.sqrt((double) sq / d + eps));
                for (c = 0; c < bound; c += L) {
                    FloatVector.fromArray(FS, x, base + c).sub(mean).mul(inv)
                            .fma(FloatVector.fromArray(FS, weight, c), FloatVector.fromArray(FS, bias, c))
                            .intoArray(out, base + c);
                }
                for (; c < d; c++) {
                    out[base + c] = (x[base + c] - mean) * inv * weight[c] + bias[c];
                }
            }
        });
    }

    @Override
    public void scaleShift(float[] x, int frames, float[] scale, float[] shift, float[] out) {
        int d = scale.length;
        int bound = FS.loopBound(d);
        forRows(frames, d, (from, to) -> {
            for (int t = from; t < to; t++) {
                int base = t * d;
                int c = 0;
                for (; c < bound; c += L) {
                    FloatVector.fromArray(FS, x, base + c)
                            .fma(FloatVector.fromArray(FS, scale, c), FloatVector.fromArray(FS, shift, c))
                            .intoArray(out, base + c);
                }
                for (; c < d; c++) {
                    out[base + c] = x[base + c] * scale[c] + shift[c];
                }
            }
        });
    }

    @Override
    public void activate(float[] x, int n, Activation activation) {
        if (activation == Activation.NONE) {
            return;
        }
        int block = 4096;
        forRows(ceilDiv(n, block), 8L * block, (from, to) -> {
            int end = Math.min(n, to * block);
            int i = from * block;
            if (activation == Activation.SWISH) {
                VectorMath.swish(x, i, end - i);
                return;
            }
            for (; i + L <= end; i += L) {
                FloatVector.fromArray(FS, x, i).max(0f).intoArray(x, i);
            }
            for (; i < end; i++) {
                x[i] = activation.apply(x[i]);
            }
        });
    }

    @Override
    public void glu(float[] x, int frames, int channels, float[] out) {
        forRows(frames, 8L * channels, (from, to) -> {
            for (int t = from; t < to; t++) {
                int a = t * 2 * channels;
                VectorMath.glu(x, a, a + channels, out, t * channels, channels);
            }
        });
    }

    @Override
    public void logSoftmax(float[] x, int rows, int cols) {
        int bound = FS.loopBound(cols);
        forRows(rows, 8L * cols, (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * cols;
                FloatVector m = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY);
                int c = 0;
                for (; c < bound; c += L) {
                    m = m.max(FloatVector.fromArray(FS, x, base + c));
                }
                float max = m.reduceLanes(VectorOperators.MAX);
                for (; c < cols; c++) {
                    max = Math.max(max, x[base + c]);
                }
                double sum = VectorMath.expSum(x, base, bound, max, false);
                for (c = bound; c < cols; c++) {
                    sum += StrictMath.exp(x[base + c] - max);
                }
                float shift = max + (float) StrictMath.log(sum);
                for (c = 0; c < bound; c += L) {
                    FloatVector.fromArray(FS, x, base + c).sub(shift).intoArray(x, base + c);
                }
                for (; c < cols; c++) {
                    x[base + c] = x[base + c] - shift;
                }
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // experts

    /**
     * All experts of a layer in two parallel phases (first matrices, then second), so that many small experts share
     * the threads instead of forking once per expert; the bias and gate slices are read in place.
     */
    @Override
    public void expertFfn(ExpertLayer layer, float[] gathered, int[] offsets, float[] rowScale, float[] out) {
        int experts = layer.experts();
        int dim = layer.dim();
        int hidden = layer.hidden();
        int total = offsets[experts] - offsets[0];
        if (total <= 0) {
            return;
        }
        // experts with enough rows stay in panel space: the first multiply writes its hidden rows as the panels the
        // second multiplies (no weight packing, no x packing, no transposed store in between); the others keep
        // their hidden rows after all panels. Every float read is written first: the buffer is reused unzeroed.
        int hiddenFloats = 0;
        for (int e = 0; e < experts; e++) {
            int n = offsets[e + 1] - offsets[e];
            hiddenFloats += n >= PACK_MIN_ROWS ? ceilDiv(n, PR) * PR * hidden : Math.max(n, 0) * hidden;
        }
        float[] h = buffer(HIDDEN, hiddenFloats);
        int at = 0;
        Gemm[] first = new Gemm[experts];
        Gemm[] second = new Gemm[experts];
        for (int e = 0; e < experts; e++) {
            int from = offsets[e];
            int n = offsets[e + 1] - from;
            if (n <= 0) {
                continue;
            }
            Ep ep1 = new Ep(layer.b1(), e * hidden, layer.activation(), 1f, null, 0, false);
            Ep ep2 = new Ep(layer.b2(), e * dim, Activation.NONE, layer.scale(), rowScale, from, false);
            if (n >= PACK_MIN_ROWS) {
                first[e] = new Gemm(gathered, from * dim, n, layer.w1(e), null, 0, ep1, threads, true);
                first[e].panelOut = h;
                first[e].panelOutOffset = at;
                second[e] = new Gemm(null, 0, n, layer.w2(e), out, from * dim, ep2, threads, true);
                second[e].setPanels(h, at);
                at += ceilDiv(n, PR) * PR * hidden;
            } else {
                first[e] = new Gemm(gathered, from * dim, n, layer.w1(e), h, at, ep1, threads);
                second[e] = new Gemm(h, at, n, layer.w2(e), out, from * dim, ep2, threads);
                at += n * hidden;
            }
        }
        runAll(first);
        runAll(second);
    }

    /** The items of several independent multiplies in one parallel loop. */
    private void runAll(Gemm[] gemms) {
        int count = 0;
        long work = 0;
        int floats = 0;
        for (Gemm g : gemms) {
            if (g != null) {
                floats += g.panelFloats();
            }
        }
        float[] buffer = panelBuffer(floats);
        floats = 0;
        for (Gemm g : gemms) {
            if (g != null) {
                int need = g.panelFloats();
                g.prepare(buffer, floats);
                floats += need;
                count += g.items();
                work += g.work();
            }
        }
        int[] gemmOf = new int[count];
        int[] itemOf = new int[count];
        int at = 0;
        for (int e = 0; e < gemms.length; e++) {
            if (gemms[e] != null) {
                for (int i = 0; i < gemms[e].items(); i++) {
                    gemmOf[at] = e;
                    itemOf[at++] = i;
                }
            }
        }
        forEach(count, work, () -> {
            GemmScratch scratch = GEMM_SCRATCH.get();
            return item -> gemms[gemmOf[item]].run(itemOf[item], scratch);
        });
    }

    // ---------------------------------------------------------------------------------------------------------

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static int roundUp(int a, int m) {
        return ceilDiv(a, m) * m;
    }
}
