package org.speechmoe.format;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;

/**
 * An open {@code .smoe} file, memory-mapped read-only. Opening checks the header, its checksum and the placement of
 * every tensor; tensor data is only touched when asked for ({@link #data}) or verified ({@link #verify}).
 *
 * <p>Thread-safe: the mapping is shared, and every accessor is read-only. Closing unmaps the file; segments
 * obtained before must not be used afterwards.
 */
public final class SmoeFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final MemorySegment mapped;
    private final int major;
    private final int minor;
    private final Metadata metadata;
    private final List<TensorInfo> tensors;
    private final Map<String, TensorInfo> byName;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SmoeFile(Path path, Arena arena, MemorySegment mapped, int major, int minor, Metadata metadata,
                     List<TensorInfo> tensors) {
        this.path = path;
        this.arena = arena;
        this.mapped = mapped;
        this.major = major;
        this.minor = minor;
        this.metadata = metadata;
        this.tensors = List.copyOf(tensors);
        Map<String, TensorInfo> m = new LinkedHashMap<>();
        for (TensorInfo t : tensors) {
            m.put(t.name(), t);
        }
        this.byName = m;
    }

    /**
     * Maps and checks a model file.
     *
     * @throws ModelFormatException when the file is not a usable {@code .smoe} file; the message names the problem
     * @throws NoSuchFileException  when there is no file at {@code path}
     */
    public static SmoeFile open(Path path) throws IOException {
        String name = path.toString();
        if (Files.isDirectory(path)) {
            throw new ModelFormatException(name + ": is a directory, not a .smoe model file");
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < SmoeLayout.HEADER_SIZE) {
                throw new ModelFormatException(name + ": " + size + " bytes is too short for a .smoe header ("
                        + SmoeLayout.HEADER_SIZE + " bytes): the file is truncated or not a model");
            }
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            SmoeFile file = parse(path, arena, seg);
            return file;
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static SmoeFile parse(Path path, Arena arena, MemorySegment seg) throws ModelFormatException {
        String name = path.toString();
        long size = seg.byteSize();
        byte[] magic = seg.asSlice(0, 8).toArray(ValueLayout.JAVA_BYTE);
        if (!java.util.Arrays.equals(magic, SmoeLayout.MAGIC)) {
            String hint = magic[0] == 'P' && magic[1] == 'K'
                    ? " (it looks like a zip archive, e.g. a PyTorch checkpoint: convert it to .smoe first)"
                    : "";
            throw new ModelFormatException(name + ": not a .smoe model file: wrong magic number" + hint);
        }
        int major = Short.toUnsignedInt(seg.get(SectionReader.U16, SmoeLayout.OFF_MAJOR));
        int minor = Short.toUnsignedInt(seg.get(SectionReader.U16, SmoeLayout.OFF_MINOR));
        if (major > SmoeLayout.MAJOR_VERSION) {
            throw new ModelFormatException(name + ": format version " + major + "." + minor
                    + " is newer than this reader (" + SmoeLayout.MAJOR_VERSION + ".x): upgrade speechmoe");
        }
        if (major < 1) {
            throw new ModelFormatException(name + ": format version " + major + "." + minor + " is not a released version");
        }
        long declared = seg.get(SectionReader.U64, SmoeLayout.OFF_FILE_LENGTH);
        if (declared != size) {
            throw new ModelFormatException(name + ": the header says the file is " + declared + " bytes but it is "
                    + size + (size < declared ? ": the file is truncated" : ": bytes were appended or the header is damaged"));
        }
        long metaOffset = seg.get(SectionReader.U64, SmoeLayout.OFF_META_OFFSET);
        long metaLength = seg.get(SectionReader.U64, SmoeLayout.OFF_META_LENGTH);
        long dirOffset = seg.get(SectionReader.U64, SmoeLayout.OFF_DIR_OFFSET);
        long dirLength = seg.get(SectionReader.U64, SmoeLayout.OFF_DIR_LENGTH);
        long tensorCount = Integer.toUnsignedLong(seg.get(SectionReader.U32, SmoeLayout.OFF_TENSOR_COUNT));
        checkSection(name, "metadata", metaOffset, metaLength, size);
        checkSection(name, "directory", dirOffset, dirLength, size);
        if (metaOffset < dirOffset + dirLength && dirOffset < metaOffset + metaLength) {
            throw new ModelFormatException(name + ": the header's metadata and directory sections overlap: header damaged");
        }
        MemorySegment meta = seg.asSlice(metaOffset, metaLength);
        MemorySegment dir = seg.asSlice(dirOffset, dirLength);
        CRC32C crc = new CRC32C();
        crc.update(seg.asSlice(0, SmoeLayout.OFF_HEADER_CRC).asByteBuffer());
        Checksums.update(crc, meta);
        Checksums.update(crc, dir);
        int stored = seg.get(SectionReader.U32, SmoeLayout.OFF_HEADER_CRC);
        if ((int) crc.getValue() != stored) {
            throw new ModelFormatException(name + ": header checksum mismatch: the header, metadata or tensor"
                    + " directory is damaged");
        }
        Metadata metadata = SectionCodec.decodeMetadata(new SectionReader(meta, "metadata", name));
        List<TensorInfo> tensors = SectionCodec.decodeDirectory(new SectionReader(dir, "directory", name), tensorCount);
        checkPlacement(name, tensors, Math.max(metaOffset + metaLength, dirOffset + dirLength), size);
        return new SmoeFile(path, arena, seg, major, minor, metadata, tensors);
    }

    private static void checkSection(String name, String section, long offset, long length, long size)
            throws ModelFormatException {
        if (offset < SmoeLayout.HEADER_SIZE || length < 0 || offset > size || length > size - offset) {
            throw new ModelFormatException(name + ": the header places the " + section + " section at offset "
                    + offset + " with length " + length + ", outside the " + size
                    + "-byte file: the file is truncated or its header damaged");
        }
    }

    private static void checkPlacement(String name, List<TensorInfo> tensors, long dataStart, long size)
            throws ModelFormatException {
        Map<String, TensorInfo> seen = new LinkedHashMap<>();
        for (TensorInfo t : tensors) {
            if (seen.put(t.name(), t) != null) {
                throw new ModelFormatException(name + ": tensor '" + t.name() + "' appears twice in the directory");
            }
            long expected;
            try {
                expected = t.dtype().byteSize(t.shape());
            } catch (ArithmeticException e) {
                throw new ModelFormatException(name + ": tensor '" + t.name() + "' has an absurd shape "
                        + Shapes.format(t.shape()));
            }
            if (t.byteLength() != expected) {
                throw new ModelFormatException(name + ": tensor '" + t.name() + "' (" + t.dtype().label() + " "
                        + Shapes.format(t.shape()) + ") should be " + expected + " bytes, the directory says "
                        + t.byteLength());
            }
            if (t.offset() % SmoeLayout.ALIGNMENT != 0 || t.offset() < dataStart || t.offset() > size
                    || t.byteLength() > size - t.offset()) {
                throw new ModelFormatException(name + ": tensor '" + t.name() + "' lies at bytes [" + t.offset() + ", "
                        + (t.offset() + t.byteLength()) + ") which is not an aligned range inside the data section of the "
                        + size + "-byte file: the file is truncated or damaged");
            }
        }
        List<TensorInfo> sorted = new ArrayList<>(tensors);
        sorted.sort(Comparator.comparingLong(TensorInfo::offset));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo a = sorted.get(i - 1);
            TensorInfo b = sorted.get(i);
            if (a.offset() + a.byteLength() > b.offset()) {
                throw new ModelFormatException(name + ": tensors '" + a.name() + "' and '" + b.name() + "' overlap");
            }
        }
    }

    public Path path() {
        return path;
    }

    public long fileSize() {
        return mapped.byteSize();
    }

    public String version() {
        return major + "." + minor;
    }

    public Metadata metadata() {
        return metadata;
    }

    /** The directory in file order. */
    public List<TensorInfo> tensors() {
        return tensors;
    }

    public Optional<TensorInfo> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** @throws ModelFormatException naming the tensor when the file has none of that name */
    public TensorInfo tensor(String name) throws ModelFormatException {
        TensorInfo t = byName.get(name);
        if (t == null) {
            throw new ModelFormatException(path + ": the model has no tensor '" + name + "'");
        }
        return t;
    }

    /** The tensor's bytes, in place in the mapping (read-only, 64-byte aligned, little-endian). */
    public MemorySegment data(TensorInfo t) {
        if (byName.get(t.name()) != t) {
            throw new IllegalArgumentException("tensor " + t.name() + " does not belong to " + path);
        }
        return mapped.asSlice(t.offset(), t.byteLength());
    }

    /** Recomputes the tensor's checksum; false means its bytes were altered after writing. */
    public boolean verify(TensorInfo t) {
        return Checksums.crc32c(data(t)) == t.crc32c();
    }

    /** Names of every tensor whose checksum does not match, in file order; empty when all are intact. */
    public List<String> verifyAll() {
        return verify(tensors);
    }

    /** Names of those of {@code some} whose checksum does not match, in their order; empty when all are intact. */
    public List<String> verify(List<TensorInfo> some) {
        List<String> bad = new ArrayList<>();
        for (TensorInfo t : some) {
            if (!verify(t)) {
                bad.add(t.name());
            }
        }
        return bad;
    }

    /**
     * Refuses damaged tensors: checks {@code some} and throws when any fails its checksum.
     *
     * @throws ModelFormatException naming the first damaged tensor (and how many more there are)
     */
    public void requireIntact(List<TensorInfo> some) throws ModelFormatException {
        List<String> bad = verify(some);
        if (!bad.isEmpty()) {
            throw new ModelFormatException(path + ": tensor '" + bad.getFirst() + "' fails its checksum"
                    + (bad.size() > 1 ? " (and " + (bad.size() - 1) + " more)" : "")
                    + ": the file is damaged (its bytes changed after it was written)");
        }
    }

    /** Unmaps the file; closing again does nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            arena.close();
        }
    }
}
