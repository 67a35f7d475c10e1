package org.speechmoe.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes an output file so that it is either absent, as it was, or complete: the text goes to a hidden temporary
 * file in the same directory ({@code .NAME.PID-N.partial}), is forced to disk, and is renamed over the target in one
 * step. A shutdown hook (Ctrl-C, {@code kill}) deletes the temporary files being written and lets no new one start;
 * after a crash that runs no hook ({@code kill -9}, power loss) a {@code .partial} file may remain, but never a
 * half-written output under its real name.
 */
final class AtomicOutput {
    private static final Object LOCK = new Object();
    private static final Set<Path> PENDING = new HashSet<>();
    private static final AtomicLong COUNTER = new AtomicLong();
    private static boolean hooked;
    private static boolean shuttingDown;

    private AtomicOutput() {
    }

    static void write(Path target, String text) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + COUNTER.incrementAndGet() + ".partial");
        FileChannel ch;
        synchronized (LOCK) {
            if (shuttingDown) {
                throw new IOException("not written: the program is stopping");
            }
            if (!hooked) {
                Thread hook = new Thread(AtomicOutput::deletePending, "speechmoe-delete-partial-output");
                Runtime.getRuntime().addShutdownHook(hook);
                hooked = true;
            }
            // default permissions (unlike Files.createTempFile's owner-only ones), as any other output file gets
            ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            PENDING.add(tmp);
        }
        try {
            try (ch) {
                ByteBuffer buf = StandardCharsets.UTF_8.encode(text);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            synchronized (LOCK) {
                PENDING.remove(tmp);
            }
            Files.deleteIfExists(tmp);
        }
    }

    private static void deletePending() {
        synchronized (LOCK) {
            shuttingDown = true;
            for (Path p : PENDING) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // nothing more can be done while the JVM stops
                }
            }
            PENDING.clear();
        }
    }
}
