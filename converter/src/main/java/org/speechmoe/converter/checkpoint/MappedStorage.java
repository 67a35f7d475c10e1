package org.speechmoe.converter.checkpoint;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/** A storage that is a slice of a memory-mapped file, as every safetensors tensor is. */
record MappedStorage(Path file, MemorySegment bytes, SourceDType dtype, long elementCount) implements TensorStorage {

    @Override
    public MemorySegment read(long first, long count) throws CheckpointException {
        if (!bytes.scope().isAlive()) {
            throw new CheckpointException(file + ": the checkpoint was closed before its tensors were read");
        }
        return bytes.asSlice(first * dtype.byteSize(), count * dtype.byteSize());
    }
}
