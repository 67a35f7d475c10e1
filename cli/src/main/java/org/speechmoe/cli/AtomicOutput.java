package org.speechmoe.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes an output file so that it is either absent, as it was, or complete: the text goes to a hidden temporary
 * file in the same directory ({@code .NAME.PID-N.partial}, with NAME cut short when that would exceed
 * {@value #MAX_NAME_BYTES} bytes), is forced to disk, and is renamed over the target in one step. A shutdown hook
 * (Ctrl-C, {@code kill}) deletes the temporary files being written and lets no new one start; after a crash that runs
 * no hook ({@code kill -9}, power loss) a {@code .partial} file may remain, but never a half-written output under its
 * real name.
 *
 * <p>Such leftovers are deleted by a later run the first time it writes into their directory: files named like this
 * class's temporaries ({@code .*.PID-N.partial}, regular files), unmodified for {@value #STALE_MINUTES} minutes, whose
 * process PID is not running on this machine or started after the file was last written (its id was reused). A
 * temporary file lives for the milliseconds of one write, so the age alone tells a leftover; the process check keeps
 * the file of a writer that was stopped (Ctrl-Z) mid-write, and the age keeps those of writers in another PID
 * namespace (a container, another machine on a shared folder), whose ids mean nothing here.
 */
final class AtomicOutput {
    private static final Object LOCK = new Object();
    private static final Set<Path> PENDING = new HashSet<>();
    private static final AtomicLong COUNTER = new AtomicLong();
    /** The longest file name (in UTF-8 bytes) this class creates: the limit of common Linux and macOS file systems. */
    static final int MAX_NAME_BYTES = 255;
    static final long STALE_MINUTES = 10;
    private static final String SUFFIX = ".partial";
    private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.([0-9]{1,19})-[0-9]{1,19}" + Pattern.quote(SUFFIX),
            Pattern.DOTALL);
    private static final Set<Path> SWEPT = new HashSet<>();
    private static boolean hooked;
    private static boolean shuttingDown;

    private AtomicOutput() {
    }

    static void write(Path target, String text) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        deleteStale(dir, Instant.now());
        Path tmp = dir.resolve(temporaryName(target.getFileName().toString(), ProcessHandle.current().pid(),
                COUNTER.incrementAndGet()));
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

    /**
     * {@code .NAME.PID-N.partial}, with NAME shortened (at a character boundary) to keep it within
     * {@value #MAX_NAME_BYTES} bytes.
     */
    static String temporaryName(String name, long pid, long n) {
        String tail = "." + pid + "-" + n + SUFFIX;
        int room = MAX_NAME_BYTES - 1 - tail.length();
        StringBuilder kept = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < name.length(); ) {
            int c = name.codePointAt(i);
            String ch = Character.toString(c);
            bytes += ch.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > room) {
                break;
            }
            kept.append(ch);
            i += ch.length();
        }
        return "." + kept + tail;
    }

    /** Whether {@code name} is one of this class's temporary names, for process {@link OptionalLong#empty} if not. */
    static OptionalLong temporaryOwner(String name) {
        Matcher m = TEMPORARY.matcher(name);
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(m.group(1)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Deletes the stale temporary files in {@code dir} (see the class comment), once per directory and run. */
    static void deleteStale(Path dir, Instant now) {
        synchronized (LOCK) {
            if (!SWEPT.add(dir)) {
                return;
            }
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*" + SUFFIX)) {
            for (Path f : files) {
                OptionalLong owner = temporaryOwner(f.getFileName().toString());
                if (owner.isEmpty()) {
                    continue;
                }
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                Instant written = a.lastModifiedTime().toInstant();
                if (a.isRegularFile() && written.isBefore(now.minus(Duration.ofMinutes(STALE_MINUTES)))
                        && !ownerMayBeWriting(owner.getAsLong(), written)) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            // best effort: a leftover that stays is harmless
        }
    }

    /** Whether process {@code pid} runs here and may be the one that wrote a file last modified at {@code written}. */
    private static boolean ownerMayBeWriting(long pid, Instant written) {
        return ProcessHandle.of(pid).map(p -> p.info().startInstant().map(s -> !s.isAfter(written)).orElse(true))
                .orElse(false);
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
