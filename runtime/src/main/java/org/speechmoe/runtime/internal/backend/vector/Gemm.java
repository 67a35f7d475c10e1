package org.speechmoe.runtime.internal.backend.vector;

import static org.speechmoe.runtime.internal.backend.vector.DotKernels.kernel1x3;
import static org.speechmoe.runtime.internal.backend.vector.DotKernels.kernel4x3;
import static org.speechmoe.runtime.internal.backend.vector.EpilogueStore.epilogue;
import static org.speechmoe.runtime.internal.backend.vector.EpilogueStore.packedEpilogue;
import static org.speechmoe.runtime.internal.backend.vector.EpilogueStore.shallowStore;
import static org.speechmoe.runtime.internal.backend.vector.RegisterTile.MR;
import static org.speechmoe.runtime.internal.backend.vector.RegisterTile.PR;
import static org.speechmoe.runtime.internal.backend.vector.RegisterTile.roundUp;
import static org.speechmoe.runtime.internal.backend.vector.RegisterTile.tile;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.speechmoe.runtime.internal.backend.Epilogue;
import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.spi.Matrix;

/**
 * One matrix multiply, as the items of a parallel loop: (weight block, row chunk) pairs, so that no two threads write
 * the same output. The weights are {@code [out, in]} row-major, x is {@code [rows, in]}. A block of weight rows (at
 * most {@value #BLOCK_BYTES} bytes as f32, so that it stays in L2) is decoded once per item into the thread's float
 * scratch ({@link WeightRows#decode}, bit-exact with {@link Matrix#decodeRow}). Every multiply then runs on
 * the {@link RegisterTile}. Three ways to feed it, chosen per shape ({@link #packWeightsFor}): many rows transpose the
 * decoded weight block into panels and broadcast x rows against them (the row kernel: each output row leaves through
 * vector stores with a vectorized epilogue); from {@value #PACK_MIN_ROWS} rows, x is transposed once per call into
 * panels of {@code 2L} rows ({@code [k][row]}) and weight rows are broadcast against them (an outer product whose
 * epilogue stores transposed); fewer rows use dot products ({@link DotKernels}: 4 x rows × 3 weight rows, reduced
 * once per tile), which need no packing. {@link EpilogueStore} applies bias, activation, scale, row scale and
 * accumulation.
 */
final class Gemm {
    private static final VectorSpecies<Float> FS = VectorWidth.FLOATS;
    private static final int L = FS.length();
    /** Dot-product tile: x rows × weight rows. */
    private static final int TR = 4;
    private static final int TC = 3;
    /** Rows from which x is packed into panels. */
    static final int PACK_MIN_ROWS = 8;
    /** Weight columns of the row kernel's tile: x rows (each element broadcast) against two vectors of a panel. */
    private static final int NR = PR;
    /** Weight rows of the outer-product kernel's tile, each broadcast against two vectors of x panel rows. */
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
    /** k-block of the x transposition: PACK_K · PR floats of panel stay in L1. */
    private static final int PACK_K = 64;

    final float[] x;
    final int xOffset;
    final int rows;
    final Matrix w;
    final float[] y;
    final int yOffset;
    final Epilogue ep;
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

    Gemm(float[] x, int xOffset, int rows, Matrix w, float[] y, int yOffset, Epilogue ep, int threads) {
        this(x, xOffset, rows, w, y, yOffset, ep, threads, false);
    }

    /** With {@code outerProduct}, x is packed (or given as panels) whatever the shape. */
    Gemm(float[] x, int xOffset, int rows, Matrix w, float[] y, int yOffset, Epilogue ep, int threads,
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
        int spread = roundUp(Math.ceilDiv(out, 2 * threads), colUnit);
        blockRows = Math.min(maxBlock, Math.max(colUnit, spread));
        blocks = Math.ceilDiv(out, blockRows);
        int units = Math.ceilDiv(rows, rowUnit);
        int chunks = 1;
        if (threads > 1 && blocks < 2 * threads) {
            chunks = Math.min(Math.ceilDiv(2 * threads, blocks), units);
        }
        chunkRows = Math.ceilDiv(units, chunks) * rowUnit;
        rowChunks = Math.ceilDiv(rows, chunkRows);
    }

    /** Floats {@link #prepare} needs for the panels. */
    int panelFloats() {
        return packed && panels == null ? Math.ceilDiv(rows, PR) * PR * w.cols() : 0;
    }

    /**
     * Packs x into {@code buffer} from {@code at} (on the calling thread, before the parallel loop; about 1/out of
     * the multiply's work), transposing k-blocks small enough to stay in L1.
     */
    void prepare(float[] buffer, int at) {
        if (packed && panels == null) {
            setPanels(buffer, at);
            pack(0, Math.ceilDiv(rows, PR));
        }
    }

    void setPanels(float[] buffer, int at) {
        panels = buffer;
        panelsOffset = at;
        rowScales = new float[Math.ceilDiv(rows, PR) * PR];
        for (int r = 0; r < rows; r++) {
            rowScales[r] = ep.scaleOf(r);
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
        WeightRows.decode(w, colFrom, nc, block);
        if (ncPad > nc) {
            Arrays.fill(block, nc * in, ncPad * in, 0f);
        }
        if (rowTiles) {
            float[] panels = scratch.weightPanels(ncPad * in);
            packWeights(block, ncPad, in, panels, scratch.rowStarts(in));
            if (in <= SHALLOW_IN && ep.activation() != Activation.SWISH) {
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

    /** {@link org.speechmoe.runtime.internal.backend.Backend#matmul} on {@code loop}. */
    static void multiply(ParallelLoop loop, KernelScratch scratch, float[] x, int xOffset, int rows, Matrix w,
                         float[] y, int yOffset, Epilogue epilogue) {
        if (rows <= 0 || w.rows() == 0) {
            return;
        }
        Gemm g = new Gemm(x, xOffset, rows, w, y, yOffset, epilogue, loop.threads());
        if (g.packed) {
            g.setPanels(scratch.panels(g.panelFloats()), 0);
            int panels = Math.ceilDiv(rows, PR);
            int group = Math.max(1, Math.ceilDiv(panels, 4 * loop.threads()));
            // packing is worth splitting only when the multiply itself is
            loop.forEach(Math.ceilDiv(panels, group), g.work(), slot -> item -> g.pack(item * group,
                    Math.min(panels, (item + 1) * group)));
        }
        loop.forEach(g.items(), g.work(), slot -> {
            GemmScratch s = scratch.gemm(slot);
            return item -> g.run(item, s);
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
     * Rows {@code [rowFrom, rowTo)} against the weight panels of columns {@code [colFrom, colTo)},
     * {@link RegisterTile#MR} rows at a time (a short last tile repeats its last row), each output row written with
     * vector stores.
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
        Epilogue ep = g.ep;
        for (int r = rowFrom; r < rowTo; r++) {
            int xa = g.xOffset + r * in;
            float s = ep.scaleOf(r);
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
                shallowStore(ep, a0, s, g.y, ya, ep.biasOffset() + colFrom + c, nc - c);
                shallowStore(ep, a1, s, g.y, ya + L, ep.biasOffset() + colFrom + c + L, nc - c - L);
            }
        }
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

    /** The items of several independent multiplies in one parallel loop. */
    static void runAll(ParallelLoop loop, KernelScratch scratch, Gemm[] gemms) {
        int count = 0;
        long work = 0;
        int floats = 0;
        for (Gemm g : gemms) {
            if (g != null) {
                floats += g.panelFloats();
            }
        }
        float[] buffer = scratch.panels(floats);
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
        loop.forEach(count, work, slot -> {
            GemmScratch s = scratch.gemm(slot);
            return item -> gemms[gemmOf[item]].run(itemOf[item], s);
        });
    }
}
