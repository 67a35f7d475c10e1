package org.speechmoe.runtime.internal.backend.vector;

import static org.speechmoe.runtime.internal.backend.vector.Gemm.PACK_MIN_ROWS;
import static org.speechmoe.runtime.internal.backend.vector.RegisterTile.PR;

import org.speechmoe.runtime.internal.backend.Epilogue;
import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.spi.ExpertLayer;

/**
 * A MoE layer's expert FFNs ({@link org.speechmoe.runtime.internal.backend.Backend#expertFfn}): all experts' first
 * matrices in one parallel loop, then all second matrices in another. An expert with at least
 * {@value Gemm#PACK_MIN_ROWS} rows stays in panel space: its first multiply (outer product) writes the hidden
 * activations directly as the x panels of its second, so neither weights nor hidden rows are repacked.
 */
final class ExpertFfn {
    private ExpertFfn() {
    }

    /**
     * All experts of a layer in two parallel phases (first matrices, then second), so that many small experts share
     * the threads instead of forking once per expert; the bias and gate slices are read in place.
     */
    static void expertFfn(ParallelLoop loop, KernelScratch scratch, ExpertLayer layer, float[] gathered,
                          int[] offsets, float[] rowScale, float[] out) {
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
            hiddenFloats += n >= PACK_MIN_ROWS ? Math.ceilDiv(n, PR) * PR * hidden : Math.max(n, 0) * hidden;
        }
        float[] h = scratch.hidden(hiddenFloats);
        int at = 0;
        Gemm[] first = new Gemm[experts];
        Gemm[] second = new Gemm[experts];
        for (int e = 0; e < experts; e++) {
            int from = offsets[e];
            int n = offsets[e + 1] - from;
            if (n <= 0) {
                continue;
            }
            Epilogue ep1 = new Epilogue(layer.b1(), e * hidden, layer.activation(), 1f, null, 0, false);
            Epilogue ep2 = new Epilogue(layer.b2(), e * dim, Activation.NONE, layer.scale(), rowScale, from, false);
            if (n >= PACK_MIN_ROWS) {
                first[e] = new Gemm(gathered, from * dim, n, layer.w1(e), null, 0, ep1, loop.threads(), true);
                first[e].panelOut = h;
                first[e].panelOutOffset = at;
                second[e] = new Gemm(null, 0, n, layer.w2(e), out, from * dim, ep2, loop.threads(), true);
                second[e].setPanels(h, at);
                at += Math.ceilDiv(n, PR) * PR * hidden;
            } else {
                first[e] = new Gemm(gathered, from * dim, n, layer.w1(e), h, at, ep1, loop.threads());
                second[e] = new Gemm(h, at, n, layer.w2(e), out, from * dim, ep2, loop.threads());
                at += n * hidden;
            }
        }
        Gemm.runAll(loop, scratch, first);
        Gemm.runAll(loop, scratch, second);
    }
}
