package org.speechmoe.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files beyond 2 GiB: offsets past the int range, tensors mapped and verified in place. */
class LargeFileTest {
    @TempDir
    Path dir;

    @Test
    void aFileOverTwoGibibytesWritesOpensAndVerifies() throws IOException {
        long elements = 200_000_000L; // 800 MB of f32 per tensor, three of them
        long bytes = elements * 4;
        // The tensors' bytes come from a sparse file of zeros, so the test needs no heap for them.
        Path zeros = dir.resolve("zeros.bin");
        try (RandomAccessFile f = new RandomAccessFile(zeros.toFile(), "rw")) {
            f.setLength(bytes);
        }
        SmoeWriter w = new SmoeWriter(Metadata.builder().putString("k", "v").build());
        try (FileChannel zc = FileChannel.open(zeros)) {
            ByteBuffer z = zc.map(FileChannel.MapMode.READ_ONLY, 0, bytes);
            for (String name : List.of("a", "b", "c")) {
                w.add(name, DType.F32, new long[] {elements}, z);
            }
            // A marker value at the very end, past 2 GiB, to see that offsets are not truncated.
            w.add("marker", DType.F32, new long[] {1},
                    ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, 42f));
            Path big = dir.resolve("big.smoe");
            w.write(big);
            try (SmoeFile f = SmoeFile.open(big)) {
                assertTrue(f.fileSize() > (2L << 30), "size " + f.fileSize());
                TensorInfo marker = f.tensor("marker");
                assertTrue(marker.offset() > Integer.MAX_VALUE);
                assertEquals(42f, f.data(marker).get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0));
                assertEquals(bytes, f.data(f.tensor("c")).byteSize());
                assertTrue(f.verifyAll().isEmpty());
            }
        }
    }
}
