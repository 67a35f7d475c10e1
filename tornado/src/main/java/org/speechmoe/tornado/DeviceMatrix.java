package org.speechmoe.tornado;

import org.speechmoe.format.DType;
import org.speechmoe.runtime.spi.Matrix;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.HalfFloatArray;
import uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray;

/**
 * A stacked expert weight matrix as the device holds it: f32 as f32, f16 as half floats, q8 as its int8 plane and f32
 * scale plane, each copied once from the mapped file into TornadoVM's off-heap arrays. bf16 is widened to f32
 * (exactly: every bf16 value is an f32 value) rather than given kernels of its own.
 *
 * @param values the elements, row-major
 * @param scales the q8 scales, one per {@value ExpertKernels#Q8_BLOCK} values of a row; null for other types
 */
record DeviceMatrix(DType dtype, TornadoNativeArray values, FloatArray scales) {
    static DeviceMatrix of(Matrix m) {
        return switch (m.dtype()) {
            case F32 -> new DeviceMatrix(DType.F32, FloatArray.fromSegment(m.values()), null);
            case F16 -> new DeviceMatrix(DType.F16, HalfFloatArray.fromSegment(m.values()), null);
            case Q8 -> new DeviceMatrix(DType.Q8, ByteArray.fromSegment(m.values()), FloatArray.fromSegment(m.scales()));
            case BF16 -> {
                FloatArray a = new FloatArray(m.rows() * m.cols());
                float[] row = new float[m.cols()];
                for (int r = 0; r < m.rows(); r++) {
                    m.decodeRow(r, row);
                    for (int i = 0; i < row.length; i++) {
                        a.set(r * row.length + i, row[i]);
                    }
                }
                yield new DeviceMatrix(DType.F32, a, null);
            }
        };
    }

    /** For the switches over a device matrix's type: {@link #of} never leaves one in bf16. */
    static IllegalStateException widened() {
        return new IllegalStateException("bf16 weights are widened to f32 on upload");
    }
}
