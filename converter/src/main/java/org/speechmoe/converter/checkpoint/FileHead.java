package org.speechmoe.converter.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/** The first bytes of a file, by which its format is recognised. */
final class FileHead {
    private FileHead() {
    }

    static byte[] read(Path file, int length) throws CheckpointException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(length);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file + ": no such file", e);
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    static boolean startsWith(byte[] head, byte[] magic) {
        return head.length >= magic.length && Arrays.equals(head, 0, magic.length, magic, 0, magic.length);
    }
}
