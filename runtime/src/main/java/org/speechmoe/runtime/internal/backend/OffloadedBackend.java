package org.speechmoe.runtime.internal.backend;

import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.spi.ExpertLayer;
import org.speechmoe.runtime.spi.ExpertOffload;
import org.speechmoe.runtime.spi.Matrix;

/**
 * A CPU backend whose expert FFNs run on an {@link ExpertOffload}: attention, convolutions and dense layers stay on
 * the CPU, the routed experts' matrix multiplies (the bulk of a MoE model's weights) go to the device. Like the CPU
 * backend it wraps, it serves one caller thread at a time; the offload itself may be shared.
 */
public final class OffloadedBackend implements Backend {
    private final Backend cpu;
    private final ExpertOffload offload;

    public OffloadedBackend(Backend cpu, ExpertOffload offload) {
        this.cpu = cpu;
        this.offload = offload;
    }

    @Override
    public String name() {
        return cpu.name() + "+" + offload.description();
    }

    @Override
    public void matmul(float[] x, int xOffset, int rows, Matrix w, float[] y, int yOffset, Epilogue epilogue) {
        cpu.matmul(x, xOffset, rows, w, y, yOffset, epilogue);
    }

    @Override
    public void attention(float[] q, float[] k, float[] v, float[] p, float[] biasU, float[] biasV, int queries,
                          int keys, int heads, float[] out) {
        cpu.attention(q, k, v, p, biasU, biasV, queries, keys, heads, out);
    }

    @Override
    public void depthwiseConv(float[] x, int frames, int channels, float[] kernel, int kernelSize, float[] bias,
                              float[] out) {
        cpu.depthwiseConv(x, frames, channels, kernel, kernelSize, bias, out);
    }

    @Override
    public void expertFfn(ExpertLayer layer, float[] gathered, int[] offsets, float[] rowScale, float[] out) {
        offload.expertFfn(layer, gathered, offsets, rowScale, out);
    }

    @Override
    public void layerNorm(float[] x, int frames, float[] weight, float[] bias, float eps, float[] out) {
        cpu.layerNorm(x, frames, weight, bias, eps, out);
    }

    @Override
    public void scaleShift(float[] x, int frames, float[] scale, float[] shift, float[] out) {
        cpu.scaleShift(x, frames, scale, shift, out);
    }

    @Override
    public void activate(float[] x, int n, Activation activation) {
        cpu.activate(x, n, activation);
    }

    @Override
    public void glu(float[] x, int frames, int channels, float[] out) {
        cpu.glu(x, frames, channels, out);
    }

    @Override
    public void forRows(int rows, long floatsPerRow, RowRange body) {
        cpu.forRows(rows, floatsPerRow, body);
    }

    @Override
    public void logSoftmax(float[] x, int rows, int cols) {
        cpu.logSoftmax(x, rows, cols);
    }
}
