package org.speechmoe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicOutputTest {
    @TempDir
    Path tmp;

    @Test
    void aLongNameThatFitsIsWritten() throws Exception {
        // 255 bytes, two of them per ü: the temporary name must be cut short, at a character boundary
        String name = "ü".repeat(120) + "x".repeat(11) + ".txt";
        assertEquals(AtomicOutput.MAX_NAME_BYTES, name.getBytes(StandardCharsets.UTF_8).length);
        String temporary = AtomicOutput.temporaryName(name, 4194304, 12);
        assertTrue(temporary.getBytes(StandardCharsets.UTF_8).length <= AtomicOutput.MAX_NAME_BYTES, temporary);
        assertTrue(temporary.startsWith(".üü") && temporary.endsWith(".4194304-12.partial"), temporary);
        assertEquals(OptionalLong.of(4194304), AtomicOutput.temporaryOwner(temporary));
        assertEquals(".a.txt.7-1.partial", AtomicOutput.temporaryName("a.txt", 7, 1));

        Path target = tmp.resolve(name);
        AtomicOutput.write(target, "hello\n");
        assertEquals("hello\n", Files.readString(target));
        try (var s = Files.list(tmp)) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void staleTemporaryFilesAreDeletedOthersKept() throws Exception {
        // the sweep runs an hour from now, so that files written now by this process are old by then
        Instant now = Instant.now();
        Instant later = now.plus(Duration.ofHours(1));
        FileTime hourAgo = FileTime.from(now);
        long gone = Long.MAX_VALUE / 2; // no such process
        long me = ProcessHandle.current().pid();
        Path stale = old(".a.txt." + gone + "-3.partial", hourAgo);
        Path young = old(".b.txt." + gone + "-4.partial", FileTime.from(later.minus(Duration.ofMinutes(1))));
        Path live = old(".c.txt." + me + "-5.partial", hourAgo); // this process may still be writing it
        Path notOurs = old(".d.txt.partial", hourAgo);
        Path notHidden = old("e.txt." + gone + "-6.partial", hourAgo);
        Path folder = Files.createDirectory(tmp.resolve(".f." + gone + "-7.partial"));
        Files.setLastModifiedTime(folder, hourAgo);

        AtomicOutput.deleteStale(tmp, later);
        assertFalse(Files.exists(stale));
        for (Path kept : new Path[] {young, live, notOurs, notHidden, folder}) {
            assertTrue(Files.exists(kept), kept.toString());
        }
        // a process started after the file was last written cannot have written it: its id was reused
        Path other = Files.createDirectory(tmp.resolve("other"));
        Path reused = Files.writeString(other.resolve(".g.txt." + me + "-8.partial"), "partial");
        Files.setLastModifiedTime(reused, FileTime.from(Instant.EPOCH));
        AtomicOutput.write(other.resolve("g.txt"), "g");
        try (var s = Files.list(other)) {
            assertEquals(List.of(other.resolve("g.txt")), s.toList(), "the leftover of a reused process id stays");
        }
    }

    @Test
    void anUnwritableOutputFolderIsNamedBeforeAnyWork() throws Exception {
        assertNull(TranscribeCommand.unwritable(tmp.resolve("new/deeper")));
        Path locked = Files.createDirectory(tmp.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(locked), "the user may write anywhere (root)");
            assertEquals("cannot write to --output-dir " + locked + " (permission denied or a read-only file system)",
                    TranscribeCommand.unwritable(locked));
            assertEquals("cannot create --output-dir " + locked.resolve("a/b") + ": " + locked
                            + " is not writable (permission denied or a read-only file system)",
                    TranscribeCommand.unwritable(locked.resolve("a/b")));
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private Path old(String name, FileTime time) throws Exception {
        Path p = Files.writeString(tmp.resolve(name), "partial");
        Files.setLastModifiedTime(p, time);
        return p;
    }
}
