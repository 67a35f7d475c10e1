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
 *
 * <p>With verification on, the vectors' checksums are checked when the weights are checked (they are read then
 * anyway), and the matrices' by {@link #requireIntactMatrices}, once, whichever thread asks first; the others wait.
 */
public final class ModelWeights {
    /** At most this many problems are listed in a refusal; the rest are counted. */
    private static final int LISTED_PROBLEMS = 8;

    private final SmoeFile file;
    /** The matrices still to verify: empty when verification is off or done. */
    private final List<TensorInfo> matrices;
    private volatile boolean matricesIntact;
    private ModelFormatException damage;

    private ModelWeights(SmoeFile file, List<TensorInfo> matrices) {
        this.file = file;
        this.matrices = matrices;
        this.matricesIntact = matrices.isEmpty();
    }

    /**
     * Checks that the file holds every tensor of {@code graph} with its shape, and reports all that do not; with
     * {@code verify}, also checks the checksums of the vectors, and keeps the matrices for
     * {@link #requireIntactMatrices}.
     */
    public static ModelWeights check(SmoeFile file, GraphConfig graph, boolean verify) throws ModelFormatException {
        List<String> problems = new ArrayList<>();
        List<TensorInfo> vectors = new ArrayList<>();
        List<TensorInfo> matrices = new ArrayList<>();
        for (GraphTensor g : GraphTensors.of(graph)) {
            var t = file.find(g.name());
            if (t.isPresent()) {
                (g.matrix() ? matrices : vectors).add(t.get());
            }
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
            String more = problems.size() > LISTED_PROBLEMS
                    ? "; and " + (problems.size() - LISTED_PROBLEMS) + " more" : "";
            throw new ModelFormatException(file.path() + ": the tensors do not match the model's hyper-parameters: "
                    + String.join("; ", problems.subList(0, Math.min(LISTED_PROBLEMS, problems.size()))) + more);
        }
        if (!verify) {
            return new ModelWeights(file, List.of());
        }
        file.requireIntact(vectors);
        return new ModelWeights(file, List.copyOf(matrices));
    }

    /**
     * Verifies the matrices' checksums the first time it is called; later calls return at once, or refuse again.
     *
     * @throws ModelFormatException naming the first damaged matrix
     */
    public void requireIntactMatrices() throws ModelFormatException {
        if (matricesIntact) {
            return;
        }
        synchronized (this) {
            if (damage == null && !matricesIntact) {
                try {
                    file.requireIntact(matrices);
                    matricesIntact = true;
                } catch (ModelFormatException e) {
                    damage = e;
                }
            }
            if (damage != null) {
                throw new ModelFormatException(damage.getMessage());
            }
        }
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
