package org.speechmoe.converter.checkpoint;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;

/** A checkpoint whose tensors read from {@code resource} (the open zip or mapping), held until {@link #close()}. */
record OpenedCheckpoint(Path path, Map<String, SourceTensor> tensors, Closeable resource) implements Checkpoint {

    OpenedCheckpoint {
        tensors = Collections.unmodifiableMap(tensors);
    }

    @Override
    public void close() {
        try {
            resource.close();
        } catch (IOException e) {
            // Closing a file opened only for reading loses nothing; a failure here is not the caller's to handle.
            throw new UncheckedIOException(path + ": cannot close: " + e.getMessage(), e);
        }
    }
}
