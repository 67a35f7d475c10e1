package org.speechmoe.format;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that it appears at its path only when it is complete: it is written beside it under a temporary
 * name, forced to disk and moved into place; a failed write leaves the target as it was.
 */
public final class CompleteFile {
    /** The largest piece of a memory segment written at once: a ByteBuffer view holds at most 2 GiB. */
    private static final long CHUNK = 1L << 30;

    /** Writes the file's bytes at absolute positions of a channel open for writing. */
    public interface Content {
        void write(FileChannel channel) throws IOException;
    }

    private CompleteFile() {
    }

    public static void write(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // a name of our own rather than Files.createTempFile, whose owner-only permissions the file would keep
        Path tmp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + Long.toHexString(System.nanoTime()) + ".partial");
        Files.createFile(tmp);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                content.write(ch);
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static void writeFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
    }

    public static void writeFully(FileChannel ch, MemorySegment segment, long position) throws IOException {
        for (long done = 0; done < segment.byteSize(); done += CHUNK) {
            writeFully(ch, segment.asSlice(done, Math.min(CHUNK, segment.byteSize() - done)).asByteBuffer(),
                    position + done);
        }
    }
}
