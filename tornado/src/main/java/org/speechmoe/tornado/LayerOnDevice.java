package org.speechmoe.tornado;

import org.speechmoe.format.DType;
import org.speechmoe.runtime.spi.ExpertLayer;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.HalfFloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * One MoE layer's experts on the device: the weights go up with the first call and stay; each call sends the gathered
 * rows, their experts and gates (at most {@link #CAPACITY} rows a launch) and brings the gated outputs back. One
 * launch per GEMM stage covers all experts of the layer. Not thread-safe: {@link TornadoExpertOffload} serializes
 * the calls of a layer.
 */
final class LayerOnDevice implements AutoCloseable {
    /** Rows per launch; device buffers are sized for it, longer inputs run in several launches. */
    static final int CAPACITY = 2048;
    /** Work-group size; the global size is rounded up to it and the kernels ignore the excess. */
    private static final int GROUP = 64;

    private final ExpertLayer layer;
    private final FloatArray x;
    private final FloatArray rowScale;
    private final FloatArray out;
    private final IntArray rowExpert;
    private final IntArray rows;
    private final WorkerGrid1D hiddenGrid;
    private final WorkerGrid1D outputGrid;
    private final TornadoExecutionPlan plan;
    private final boolean halfPrecision;

    LayerOnDevice(String name, ExpertLayer layer) {
        this.layer = layer;
        int d = layer.dim();
        int hidden = layer.hidden();
        x = new FloatArray(CAPACITY * d);
        rowScale = new FloatArray(CAPACITY);
        out = new FloatArray(CAPACITY * d);
        rowExpert = new IntArray(CAPACITY);
        rows = new IntArray(1);
        FloatArray h = new FloatArray(CAPACITY * hidden);
        FloatArray b1 = FloatArray.fromArray(layer.b1());
        FloatArray b2 = FloatArray.fromArray(layer.b2());
        DeviceMatrix w1 = DeviceMatrix.of(layer.w1());
        DeviceMatrix w2 = DeviceMatrix.of(layer.w2());
        halfPrecision = w1.dtype() == DType.F16 || w2.dtype() == DType.F16;
        int act = switch (layer.activation()) {
            case NONE -> ExpertKernels.NONE;
            case RELU -> ExpertKernels.RELU;
            case SWISH -> ExpertKernels.SWISH;
        };
        float scale = layer.scale();
        KernelContext kc = new KernelContext();

        TaskGraph g = new TaskGraph(name)
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, b1, b2, h, out)
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, w1.values(), w2.values())
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, x, rowExpert, rows, rowScale);
        for (DeviceMatrix w : new DeviceMatrix[] {w1, w2}) {
            if (w.scales() != null) {
                g = g.transferToDevice(DataTransferMode.FIRST_EXECUTION, w.scales());
            }
        }
        g = switch (w1.dtype()) {
            case F16 -> g.task("hidden", ExpertKernels::hiddenF16, kc, x, rowExpert, rows,
                    (HalfFloatArray) w1.values(), b1, h, d, hidden, act);
            case Q8 -> g.task("hidden", ExpertKernels::hiddenQ8, kc, x, rowExpert, rows, (ByteArray) w1.values(),
                    w1.scales(), b1, h, d, hidden, act);
            case F32 -> g.task("hidden", ExpertKernels::hiddenF32, kc, x, rowExpert, rows, (FloatArray) w1.values(),
                    b1, h, d, hidden, act);
            case BF16 -> throw DeviceMatrix.widened();
        };
        g = switch (w2.dtype()) {
            case F16 -> g.task("output", ExpertKernels::outputF16, kc, h, rowExpert, rows,
                    (HalfFloatArray) w2.values(), b2, rowScale, out, d, hidden, scale);
            case Q8 -> g.task("output", ExpertKernels::outputQ8, kc, h, rowExpert, rows, (ByteArray) w2.values(),
                    w2.scales(), b2, rowScale, out, d, hidden, scale);
            case F32 -> g.task("output", ExpertKernels::outputF32, kc, h, rowExpert, rows, (FloatArray) w2.values(),
                    b2, rowScale, out, d, hidden, scale);
            case BF16 -> throw DeviceMatrix.widened();
        };
        g = g.transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        ImmutableTaskGraph snapshot = g.snapshot();
        hiddenGrid = new WorkerGrid1D(GROUP);
        outputGrid = new WorkerGrid1D(GROUP);
        GridScheduler grids = new GridScheduler();
        grids.addWorkerGrid(name + ".hidden", hiddenGrid);
        grids.addWorkerGrid(name + ".output", outputGrid);
        plan = new TornadoExecutionPlan(snapshot).withGridScheduler(grids);
    }

    /** Whether a kernel reads half floats (devices without fp16 support cannot build it). */
    boolean halfPrecision() {
        return halfPrecision;
    }

    /** {@link org.speechmoe.runtime.internal.backend.Backend#expertFfn}'s contract, in launches of at most CAPACITY rows. */
    void run(float[] gathered, int[] offsets, float[] gates, float[] result) {
        int d = layer.dim();
        int total = offsets[layer.experts()];
        int expert = 0;
        for (int from = 0; from < total; from += CAPACITY) {
            int n = Math.min(CAPACITY, total - from);
            for (int r = 0; r < n; r++) {
                while (from + r >= offsets[expert + 1]) {
                    expert++;
                }
                rowExpert.set(r, expert);
                rowScale.set(r, gates[from + r]);
            }
            for (int i = 0; i < n * d; i++) {
                x.set(i, gathered[from * d + i]);
            }
            rows.set(0, n);
            hiddenGrid.setGlobalWork(roundUp(n * layer.hidden()), 1, 1);
            hiddenGrid.setLocalWork(GROUP, 1, 1);
            outputGrid.setGlobalWork(roundUp(n * d), 1, 1);
            outputGrid.setLocalWork(GROUP, 1, 1);
            plan.execute();
            for (int i = 0; i < n * d; i++) {
                result[from * d + i] = out.get(i);
            }
        }
    }

    private static int roundUp(int n) {
        return (n + GROUP - 1) / GROUP * GROUP;
    }

    @Override
    public void close() {
        plan.freeDeviceMemory();
    }
}
