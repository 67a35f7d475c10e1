package org.speechmoe.converter.checkpoint;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** A storage of a PyTorch zip checkpoint: the raw little-endian elements of one {@code <prefix>/data/<key>} entry. */
record ZipEntryStorage(Path file, ZipFile zip, ZipEntry entry, SourceDType dtype, long elementCount)
        implements TensorStorage {

    /** Java arrays cannot reliably be larger than this. */
    private static final int MAX_READ_BYTES = Integer.MAX_VALUE - 8;

    /** Checks the entry against the declared element count; the entry's own size is trusted for nothing else. */
    static ZipEntryStorage open(Path file, ZipFile zip, String entryName, SourceDType dtype, long elementCount)
            throws CheckpointException {
        ZipEntry entry = zip.getEntry(entryName);
        if (entry == null) {
            throw new CheckpointException(file + ": storage entry " + entryName + " is missing from the archive");
        }
        if (elementCount < 0 || elementCount > Long.MAX_VALUE / dtype.byteSize()) {
            throw new CheckpointException(file + ": storage " + entryName + " declares an impossible "
                    + elementCount + " elements");
        }
        long needed = elementCount * dtype.byteSize();
        if (entry.getSize() >= 0 && entry.getSize() < needed) {
            throw new CheckpointException(file + ": storage " + entryName + " holds " + entry.getSize() + " bytes, but its "
                    + elementCount + " " + dtype + " elements need " + needed + " (truncated)");
        }
        return new ZipEntryStorage(file, zip, entry, dtype, elementCount);
    }

    @Override
    public MemorySegment read(long first, long count) throws CheckpointException {
        long length = count * dtype.byteSize();
        if (length > MAX_READ_BYTES) {
            throw new CheckpointException(file + ": a tensor spans " + length + " bytes of storage " + entry.getName()
                    + ", more than this reader can buffer (2 GiB)");
        }
        try (InputStream in = zip.getInputStream(entry)) {
            in.skipNBytes(first * dtype.byteSize());
            // readNBytes grows its buffer with the data actually read, so a lying entry size cannot force a huge allocation.
            byte[] bytes = in.readNBytes((int) length);
            if (bytes.length < length) {
                throw new EOFException();
            }
            return MemorySegment.ofArray(bytes);
        } catch (EOFException e) {
            throw new CheckpointException(file + ": storage " + entry.getName() + " ends before the "
                    + elementCount + " " + dtype + " elements its tensors need (truncated)", e);
        } catch (IllegalStateException e) {
            throw new CheckpointException(file + ": the checkpoint was closed before its tensors were read", e);
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot read storage " + entry.getName() + ": " + e.getMessage(), e);
        }
    }
}
