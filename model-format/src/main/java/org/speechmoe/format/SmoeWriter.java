package org.speechmoe.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Writes a {@code .smoe} file. Tensors are written in the order they were added and metadata in insertion order,
 * with zero padding, so the same inputs always give the same bytes. The file appears at its path only when it is
 * complete: it is written beside it under a temporary name and moved into place.
 */
public final class SmoeWriter {
    private record Pending(String name, DType dtype, long[] shape, TensorSource source) {
    }

    private final Metadata metadata;
    private final List<Pending> pending = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    public SmoeWriter(Metadata metadata) {
        this.metadata = metadata;
    }

    public SmoeWriter add(String name, DType dtype, long[] shape, TensorSource source) {
        if (name.isEmpty() || SmoeLayout.utf8(name).length > SmoeLayout.MAX_NAME_BYTES) {
            throw new IllegalArgumentException("tensor name must be 1.." + SmoeLayout.MAX_NAME_BYTES + " UTF-8 bytes");
        }
        if (shape.length > SmoeLayout.MAX_RANK) {
            throw new IllegalArgumentException(name + ": rank " + shape.length + " > " + SmoeLayout.MAX_RANK);
        }
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(name + ": negative dimension in " + Shapes.format(shape));
            }
        }
        if (!names.add(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' added twice");
        }
        pending.add(new Pending(name, dtype, shape.clone(), source));
        return this;
    }

    /** Adds a tensor whose bytes are already encoded. */
    public SmoeWriter add(String name, DType dtype, long[] shape, ByteBuffer bytes) {
        ByteBuffer copy = bytes.duplicate();
        return add(name, dtype, shape, () -> copy.duplicate());
    }

    /** Writes the file and returns its directory (offsets and checksums as written). */
    public List<TensorInfo> write(Path target) throws IOException {
        byte[] meta = SectionCodec.encodeMetadata(metadata);
        // The directory's size does not depend on the offsets and checksums it will hold, so a draft fixes the layout.
        List<TensorInfo> draft = new ArrayList<>();
        for (Pending p : pending) {
            draft.add(new TensorInfo(p.name, p.dtype, p.shape, 0, 0, 0));
        }
        long metaOffset = SmoeLayout.HEADER_SIZE;
        long dirOffset = metaOffset + meta.length;
        long dirLength = SectionCodec.encodeDirectory(draft).length;
        long dataStart = Math.addExact(dirOffset, dirLength);

        List<TensorInfo> written = new ArrayList<>();
        CompleteFile.write(target, ch -> {
            long end = dataStart;
            for (Pending p : pending) {
                long offset = SmoeLayout.alignUp(end);
                long expected = p.dtype.byteSize(p.shape);
                ByteBuffer data = p.source.bytes().duplicate();
                if (data.remaining() != expected) {
                    throw new IllegalArgumentException("tensor '" + p.name + "' (" + p.dtype.label() + " "
                            + Shapes.format(p.shape) + ") needs " + expected + " bytes, its source gave "
                            + data.remaining());
                }
                CRC32C crc = new CRC32C();
                crc.update(data.duplicate());
                CompleteFile.writeFully(ch, zeros(offset - end), end);
                CompleteFile.writeFully(ch, data, offset);
                written.add(new TensorInfo(p.name, p.dtype, p.shape, offset, expected, (int) crc.getValue()));
                end = offset + expected;
            }
            byte[] directory = SectionCodec.encodeDirectory(written);
            if (directory.length != dirLength) {
                throw new AssertionError("directory size changed while writing");
            }
            CompleteFile.writeFully(ch, header(end, metaOffset, meta, dirOffset, directory, written.size()), 0);
            CompleteFile.writeFully(ch, ByteBuffer.wrap(meta), metaOffset);
            CompleteFile.writeFully(ch, ByteBuffer.wrap(directory), dirOffset);
        });
        return List.copyOf(written);
    }

    private static ByteBuffer header(long fileLength, long metaOffset, byte[] meta, long dirOffset, byte[] directory,
                                     int tensorCount) {
        ByteBuffer h = ByteBuffer.allocate(SmoeLayout.HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        h.put(SmoeLayout.MAGIC);
        h.putShort(SmoeLayout.OFF_MAJOR, (short) SmoeLayout.MAJOR_VERSION);
        h.putShort(SmoeLayout.OFF_MINOR, (short) SmoeLayout.MINOR_VERSION);
        h.putInt(SmoeLayout.OFF_FLAGS, 0);
        h.putLong(SmoeLayout.OFF_FILE_LENGTH, fileLength);
        h.putLong(SmoeLayout.OFF_META_OFFSET, metaOffset);
        h.putLong(SmoeLayout.OFF_META_LENGTH, meta.length);
        h.putLong(SmoeLayout.OFF_DIR_OFFSET, dirOffset);
        h.putLong(SmoeLayout.OFF_DIR_LENGTH, directory.length);
        h.putInt(SmoeLayout.OFF_TENSOR_COUNT, tensorCount);
        CRC32C crc = new CRC32C();
        crc.update(h.array(), 0, SmoeLayout.OFF_HEADER_CRC);
        crc.update(meta);
        crc.update(directory);
        h.putInt(SmoeLayout.OFF_HEADER_CRC, (int) crc.getValue());
        return h.clear();
    }

    private static ByteBuffer zeros(long n) {
        return ByteBuffer.allocate((int) n);
    }
}
