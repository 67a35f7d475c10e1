package org.speechmoe.runtime.api;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.speechmoe.format.Metadata;
import org.speechmoe.format.SmoeFile;
import org.speechmoe.format.SmoeWriter;
import org.speechmoe.format.TensorInfo;

/** Damaged copies of a good model: flipped bytes (with or without checksums made right again), other metadata. */
final class DamagedModels {
    private DamagedModels() {
    }

    /** The byte offset of a tensor's data in {@code model}. */
    static long offsetOf(Path model, String tensor) throws IOException {
        try (SmoeFile f = SmoeFile.open(model)) {
            return f.tensor(tensor).offset();
        }
    }

    /** A copy of {@code model} at {@code out} with the byte at {@code offset} XORed with {@code mask}. */
    static Path flipped(Path model, Path out, long offset, int mask) throws IOException {
        Files.copy(model, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (RandomAccessFile f = new RandomAccessFile(out.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ mask);
        }
        return out;
    }

    /** {@code model} written again, so that every checksum matches its (possibly damaged) bytes. */
    static Path rechecksummed(Path model, Path out) throws IOException {
        try (SmoeFile f = SmoeFile.open(model)) {
            return rewrite(f, f.metadata(), out);
        }
    }

    /** A copy of {@code model} with metadata {@code key} set to {@code value} (Long, Double, ...), checksums right. */
    static Path withMetadata(Path model, Path out, String key, Object value) throws IOException {
        try (SmoeFile f = SmoeFile.open(model)) {
            Metadata m = f.metadata();
            Metadata.Builder b = Metadata.builder();
            for (String k : m.keys()) {
                put(b, k, k.equals(key) ? value : m.get(k));
            }
            return rewrite(f, b.build(), out);
        }
    }

    private static void put(Metadata.Builder b, String key, Object v) {
        switch (v) {
            case Long l -> b.putLong(key, l);
            case Double d -> b.putDouble(key, d);
            case Boolean z -> b.putBoolean(key, z);
            case String s -> b.putString(key, s);
            case long[] a -> b.putLongArray(key, a);
            case double[] a -> b.putDoubleArray(key, a);
            case String[] a -> b.putStringList(key, List.of(a));
            default -> throw new IllegalArgumentException(key + ": " + v);
        }
    }

    private static Path rewrite(SmoeFile f, Metadata metadata, Path out) throws IOException {
        SmoeWriter w = new SmoeWriter(metadata);
        for (TensorInfo t : f.tensors()) {
            w.add(t.name(), t.dtype(), t.shape(), f.data(t).asByteBuffer());
        }
        w.write(out);
        return out;
    }
}
