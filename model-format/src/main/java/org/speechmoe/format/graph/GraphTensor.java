package org.speechmoe.format.graph;

/**
 * One tensor of the graph.
 *
 * @param name        its name in a {@code .smoe} file: the 3m-asr state_dict name without the {@code encoder.} prefix
 * @param shape       its shape in the file: convolution kernels are stored as the matrices the runtime multiplies
 * @param sourceShape its shape in a 3m-asr state_dict (same element order)
 * @param matrix      a weight matrix (or a stack of expert matrices) that may be stored f16, bf16 or q8; the
 *                    others (norms, biases, routers, small kernels, CMVN) always stay f32
 */
public record GraphTensor(String name, long[] shape, long[] sourceShape, boolean matrix) {
    public GraphTensor {
        shape = shape.clone();
        sourceShape = sourceShape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public long[] sourceShape() {
        return sourceShape.clone();
    }
}
