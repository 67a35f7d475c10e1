package org.speechmoe.format;

import java.util.Arrays;

/**
 * One entry of the tensor directory: where a tensor's bytes are and what they hold.
 *
 * @param offset absolute byte offset in the file, a multiple of {@link SmoeLayout#ALIGNMENT}
 * @param crc32c CRC32C of the tensor's {@code byteLength} bytes
 */
public record TensorInfo(String name, DType dtype, long[] shape, long offset, long byteLength, int crc32c) {
    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i];
    }

    public long elementCount() {
        return Shapes.elementCount(shape);
    }

    public long rows() {
        return Shapes.rows(shape);
    }

    public long cols() {
        return Shapes.cols(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && offset == t.offset && byteLength == t.byteLength && crc32c == t.crc32c;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype.label() + " " + Shapes.format(shape);
    }
}
