package org.speechmoe.runtime.internal.weights;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.speechmoe.format.DType;
import org.speechmoe.format.ModelFormatException;
import org.speechmoe.format.Shapes;
import org.speechmoe.format.SmoeFile;
import org.speechmoe.format.TensorCodec;
import org.speechmoe.format.TensorInfo;
import org.speechmoe.format.graph.GraphConfig;
import org.speechmoe.format.graph.GraphTensor;
import org.speechmoe.format.graph.GraphTensors;
import org.speechmoe.runtime.spi.Matrix;

/**
 * Typed access to the tensors of an open model, checked once against the graph its metadata describes. Matrices
 * stay in the mapping; the small parameter vectors (norms, biases, routers) are copied to the heap as floats.
 */
public final class ModelWeights {
    private final SmoeFile file;

    private ModelWeights(SmoeFile file) {
        this.file = file;
    }

    /** Checks that the file holds every tensor of {@code graph} with its shape, and reports all that do not. */
    public static ModelWeights check(SmoeFile file, GraphConfig graph) throws ModelFormatException {
        List<String> problems = new ArrayList<>();
        for (GraphTensor g : GraphTensors.of(graph)) {
            var t = file.find(g.name());
            if (t.isEmpty()) {
                problems.add("missing " + g.name() + " " + Shapes.format(g.shape()));
            } else if (!Arrays.equals(t.get().shape(), g.shape())) {
                problems.add(g.name() + " is " + Shapes.format(t.get().shape()) + ", the graph needs "
                        + Shapes.format(g.shape()));
            } else if (!g.matrix() && t.get().dtype() != DType.F32) {
                problems.add(g.name() + " is " + t.get().dtype().label() + ", only weight matrices may be quantized");
            }
        }
        if (!problems.isEmpty()) {
            throw new ModelFormatException(file.path() + ": the tensors do not match the model's hyper-parameters: "
                    + String.join("; ", problems));
        }
        return new ModelWeights(file);
    }

    private TensorInfo info(String name) {
        return file.find(name).orElseThrow(() -> new IllegalStateException("checked tensor vanished: " + name));
    }

    /** A matrix whose last dimension is its input; leading dimensions (experts, output rows) become rows. */
    public Matrix matrix(String name) {
        TensorInfo t = info(name);
        MemorySegment data = file.data(t);
        return Matrix.of(t.dtype(), t.rows(), t.cols(), data);
    }

    public float[] floats(String name) {
        TensorInfo t = info(name);
        return TensorCodec.decode(t, file.data(t));
    }
}
