package org.speechmoe.converter.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.speechmoe.converter.checkpoint.TestFiles.assertRefused;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Strided views decode like indexing a torch tensor: value at index i is storage[offset + sum(i[d] * strides[d])]. */
class SourceTensorProperties {
    private static final Path FILE = Path.of("memory");

    /** A storage of 0, 1, 2, ... and a random view of it: a permutation (like .permute/.t()) of a sliced block. */
    record View(long[] storageShape, List<Integer> permutation, long offsetIndex, long[] shape, long[] strides) {
    }

    @Provide
    Arbitrary<View> views() {
        return Arbitraries.longs().between(0, 4).array(long[].class).ofMinSize(0).ofMaxSize(4).flatMap(base -> {
            long[] storageShape = Arrays.stream(base).map(n -> n + 1).toArray();
            int rank = storageShape.length;
            List<Integer> dims = IntStream.range(0, rank).boxed().toList();
            return Combinators.combine(Arbitraries.shuffle(dims), Arbitraries.longs().between(0, 3))
                    .as((permutation, start) -> view(storageShape, permutation, start));
        });
    }

    private static View view(long[] storageShape, List<Integer> permutation, long start) {
        long[] contiguous = SourceTensor.contiguousStrides(storageShape);
        int rank = storageShape.length;
        long[] shape = new long[rank];
        long[] strides = new long[rank];
        long offset = 0;
        for (int d = 0; d < rank; d++) {
            int source = permutation.get(d);
            long skip = Math.min(start, storageShape[source]); // slicing [skip:] may leave a dimension empty
            offset += skip * contiguous[source];
            shape[d] = storageShape[source] - skip;
            strides[d] = contiguous[source];
        }
        return new View(storageShape, permutation, offset, shape, strides);
    }

    @Property
    void stridedViewsDecodeInRowMajorOrder(@ForAll("views") View view) throws CheckpointException {
        long storageSize = Arrays.stream(view.storageShape).reduce(1, Math::multiplyExact);
        SourceTensor tensor = new SourceTensor(FILE, "t", view.shape, view.strides, view.offsetIndex, indexStorage(storageSize));
        float[] expected = new float[(int) tensor.elementCount()];
        long[] index = new long[view.shape.length];
        for (int i = 0; i < expected.length; i++) {
            long at = view.offsetIndex;
            for (int d = 0; d < index.length; d++) {
                at += index[d] * view.strides[d];
            }
            expected[i] = at;
            for (int d = index.length - 1; d >= 0 && ++index[d] == view.shape[d]; d--) {
                index[d] = 0;
            }
        }
        assertArrayEquals(expected, tensor.toFloats());
    }

    @Example
    void tooManyElementsAreRefusedWithoutAllocating() throws CheckpointException {
        // Stride 0 keeps the view inside a one-element storage while it claims 2^32 elements.
        SourceTensor tensor = new SourceTensor(FILE, "broadcast", new long[] {65536, 65536}, new long[] {0, 0}, 0,
                indexStorage(1));
        assertEquals(1L << 32, tensor.elementCount());
        assertRefused(tensor::toFloats, "memory: tensor 'broadcast' has 4294967296 elements, more than the 2147483639");
    }

    private static TensorStorage indexStorage(long size) {
        float[] values = new float[(int) size];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        return new MappedStorage(FILE, MemorySegment.ofArray(TestFiles.floatsLE(values)), SourceDType.F32, size);
    }
}
