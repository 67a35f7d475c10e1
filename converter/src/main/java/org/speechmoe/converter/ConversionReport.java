package org.speechmoe.converter;

import java.nio.file.Path;
import java.util.List;
import org.speechmoe.format.DType;

/**
 * What a conversion wrote.
 *
 * @param f32Bytes        size of the same tensors stored as f32: the model size before quantization
 * @param worstTensor     the matrix whose encoding changed it most, null when nothing was quantized
 * @param worstError      its relative RMS error
 * @param meanError       mean relative RMS error over the quantized matrices
 * @param notes           things the user should know that are not errors
 */
public record ConversionReport(Path output, String nnetProto, int tensorCount, long checkpointBytes, long f32Bytes,
                               long fileBytes, DType matrixType, int quantizedCount, String worstTensor,
                               double worstError, double meanError, List<String> notes) {
    public ConversionReport {
        notes = List.copyOf(notes);
    }
}
