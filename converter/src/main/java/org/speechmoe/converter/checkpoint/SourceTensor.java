package org.speechmoe.converter.checkpoint;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A named tensor of a checkpoint: a strided view (shape, strides, storage offset, all in elements) of a storage. The
 * view is checked against the storage when the checkpoint is opened; the data is read only by {@link #toFloats()}.
 */
public final class SourceTensor {
    /** Java arrays cannot reliably be larger than this. */
    public static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private final Path file;
    private final String name;
    private final long[] shape;
    private final long[] strides;
    private final long storageOffset;
    private final TensorStorage storage;
    private final long elementCount;
    /** Storage index of the view's last element; meaningless when the tensor is empty. */
    private final long lastIndex;

    SourceTensor(Path file, String name, long[] shape, long[] strides, long storageOffset, TensorStorage storage)
            throws CheckpointException {
        this.file = file;
        this.name = name;
        this.shape = shape.clone();
        this.strides = strides.clone();
        this.storageOffset = storageOffset;
        this.storage = storage;
        if (shape.length != strides.length) {
            throw invalid("its shape " + Arrays.toString(shape) + " and strides " + Arrays.toString(strides)
                    + " differ in rank");
        }
        if (storageOffset < 0 || Arrays.stream(shape).anyMatch(n -> n < 0) || Arrays.stream(strides).anyMatch(s -> s < 0)) {
            throw invalid("it has a negative size, stride or storage offset (" + layout() + ")");
        }
        try {
            long count = 1;
            long last = storageOffset;
            for (int d = 0; d < shape.length; d++) {
                count = Math.multiplyExact(count, shape[d]);
                if (shape[d] > 0) {
                    last = Math.addExact(last, Math.multiplyExact(shape[d] - 1, strides[d]));
                }
            }
            elementCount = count;
            lastIndex = last;
        } catch (ArithmeticException e) {
            throw invalid("its layout (" + layout() + ") overflows 64-bit indexing");
        }
        if (elementCount > 0 && lastIndex >= storage.elementCount()) {
            throw invalid("its layout (" + layout() + ") reaches element " + lastIndex + " of a storage that holds "
                    + storage.elementCount() + " elements");
        }
    }

    /** Row-major strides of a contiguous tensor of this shape. */
    static long[] contiguousStrides(long[] shape) {
        long[] strides = new long[shape.length];
        long stride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = stride;
            stride *= Math.max(shape[d], 1);
        }
        return strides;
    }

    public String name() {
        return name;
    }

    public SourceDType dtype() {
        return storage.dtype();
    }

    public long[] shape() {
        return shape.clone();
    }

    public long elementCount() {
        return elementCount;
    }

    /** Reads the values in row-major order of {@link #shape()}, converted to float. */
    public float[] toFloats() throws CheckpointException {
        if (elementCount > MAX_ELEMENTS) {
            throw new CheckpointException(file + ": tensor '" + name + "' has " + elementCount
                    + " elements, more than the " + MAX_ELEMENTS + " a float array can hold");
        }
        float[] values = new float[(int) elementCount];
        if (elementCount == 0) {
            return values;
        }
        MemorySegment bytes = storage.read(storageOffset, lastIndex - storageOffset + 1);
        SourceDType dtype = storage.dtype();
        int size = dtype.byteSize();
        if (shape.length == 0) {
            values[0] = dtype.decode(bytes, 0);
            return values;
        }
        int inner = shape.length - 1;
        long innerStride = strides[inner] * size;
        long[] index = new long[shape.length];
        long rowStart = 0;
        int v = 0;
        while (true) {
            long at = rowStart;
            for (long i = 0; i < shape[inner]; i++, at += innerStride) {
                values[v++] = dtype.decode(bytes, at);
            }
            int d = inner - 1;
            for (; d >= 0; d--) {
                rowStart += strides[d] * size;
                if (++index[d] < shape[d]) {
                    break;
                }
                rowStart -= shape[d] * strides[d] * size;
                index[d] = 0;
            }
            if (d < 0) {
                return values;
            }
        }
    }

    private String layout() {
        return "shape " + Arrays.toString(shape) + ", strides " + Arrays.toString(strides) + ", storage offset "
                + storageOffset;
    }

    private CheckpointException invalid(String problem) {
        return new CheckpointException(file + ": tensor '" + name + "' is invalid: " + problem);
    }

    @Override
    public String toString() {
        return name + " " + dtype() + Arrays.toString(shape);
    }
}
