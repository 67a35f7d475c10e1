package org.speechmoe.testkit;

import java.io.IOException;
import java.nio.file.Path;
import org.speechmoe.format.DType;
import org.speechmoe.format.SmoeFile;
import org.speechmoe.format.graph.GraphConfig;

/**
 * What the checks need to know of a {@code .smoe} model before running it: its MoE layers, their experts, and the
 * type its experts' matrices are stored in (which sets the tolerance of the comparisons, {@link Tolerance}).
 *
 * @param path        the model file
 * @param layers      MoE layers (the main encoder's blocks)
 * @param experts     experts per MoE layer
 * @param expertDtype the stored type of the experts' matrices
 */
public record ModelUnderTest(Path path, int layers, int experts, DType expertDtype) {
    /** The name of MoE layer {@code layer}'s tensors up to the tensor's own name. */
    static String prefix(int layer) {
        return "blocks." + layer + ".feed_forward.";
    }

    /**
     * Reads a model's header.
     *
     * @param path the {@code .smoe} file
     * @return what the checks need to know of it
     * @throws IOException when the file cannot be read or is not a SpeechMoE model
     */
    public static ModelUnderTest of(Path path) throws IOException {
        try (SmoeFile f = SmoeFile.open(path)) {
            GraphConfig c = GraphConfig.fromMetadata(f.metadata(), path.toString());
            DType dtype = f.tensor(prefix(0) + "experts.w_1.weight").dtype();
            return new ModelUnderTest(path, c.encoder().numBlocks(), c.moe().numExperts(), dtype);
        }
    }
}
