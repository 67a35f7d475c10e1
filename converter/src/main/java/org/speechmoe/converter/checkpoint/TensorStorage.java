package org.speechmoe.converter.checkpoint;

import java.lang.foreign.MemorySegment;

/** The flat run of elements a tensor views; nothing is read from the file until {@link #read} is called. */
interface TensorStorage {
    SourceDType dtype();

    long elementCount();

    /** The little-endian bytes of elements {@code [first, first + count)}, which the caller keeps within bounds. */
    MemorySegment read(long first, long count) throws CheckpointException;
}
