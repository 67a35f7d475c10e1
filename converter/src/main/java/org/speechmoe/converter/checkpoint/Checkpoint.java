package org.speechmoe.converter.checkpoint;

import java.nio.file.Path;
import java.util.Map;

/** The tensors of an opened checkpoint file; their data stays in the file until {@link SourceTensor#toFloats()}. */
public interface Checkpoint extends AutoCloseable {
    Path path();

    /** Tensors by name, in the order the file holds them; unmodifiable. */
    Map<String, SourceTensor> tensors();

    /** Releases the file; tensors of a closed checkpoint can no longer be read. */
    @Override
    void close();
}
