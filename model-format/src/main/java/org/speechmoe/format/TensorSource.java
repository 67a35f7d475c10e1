package org.speechmoe.format;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Supplies a tensor's encoded bytes when the writer reaches it, so a converter never holds the whole model at once.
 */
@FunctionalInterface
public interface TensorSource {
    /** The tensor's bytes in its file dtype, exactly {@code dtype.byteSize(shape)} of them, from position to limit. */
    ByteBuffer bytes() throws IOException;
}
