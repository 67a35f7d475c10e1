package org.speechmoe.converter;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.speechmoe.format.DType;
import org.speechmoe.format.TensorCodec;
import org.speechmoe.format.graph.GraphTensor;

/**
 * Chooses each tensor's stored type (the requested type for weight matrices, f32 for everything else) and measures
 * what the encoding changed.
 */
final class Quantizer {
    /** Encoded bytes and the relative RMS error {@code ||decoded - x|| / ||x||} of the encoding. */
    record Encoded(DType dtype, ByteBuffer bytes, double relativeError) {
    }

    private Quantizer() {
    }

    static DType storedType(GraphTensor t, DType matrixType) {
        return t.matrix() ? matrixType : DType.F32;
    }

    /** @throws ConversionException when a value does not fit the type (f16 stops at ±65504) */
    static Encoded encode(GraphTensor t, float[] values, DType matrixType) throws ConversionException {
        DType dtype = storedType(t, matrixType);
        ByteBuffer bytes = TensorCodec.encode(dtype, t.shape(), values);
        double error = 0;
        if (dtype != DType.F32) {
            float[] back = TensorCodec.decode(dtype, t.shape(), MemorySegment.ofBuffer(bytes));
            double diff = 0;
            double norm = 0;
            for (int i = 0; i < values.length; i++) {
                if (Float.isInfinite(back[i])) {
                    throw new ConversionException(t.name() + " holds " + values[i] + " at flat index " + i
                            + ", beyond the range of " + dtype.label() + ": convert to " + others(dtype) + " instead");
                }
                double e = back[i] - (double) values[i];
                diff += e * e;
                norm += (double) values[i] * values[i];
            }
            error = norm == 0 ? 0 : Math.sqrt(diff / norm);
        }
        return new Encoded(dtype, bytes, error);
    }

    /** The other types' labels: "f32, bf16 or q8". */
    private static String others(DType dtype) {
        List<String> labels = new ArrayList<>(DType.labels());
        labels.remove(dtype.label());
        return String.join(", ", labels.subList(0, labels.size() - 1)) + " or " + labels.getLast();
    }
}
