package org.speechmoe.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of damage is refused at open with a message naming it, or found by verification. */
class DamagedFileTest {
    @TempDir
    Path dir;
    byte[] good;
    long metaOffset;
    long dirOffset;
    long dataOffset;

    @BeforeEach
    void writeGoodFile() throws IOException {
        Metadata meta = Metadata.builder().putLong("encoder.attention_dim", 64).putString("name", "sample")
                .putStringList("tokens", List.of("<blank>", "▁a", "b")).putDoubleArray("x", 1.5, 2.5).build();
        SmoeWriter w = new SmoeWriter(meta);
        for (RoundTripProperties.Spec s : RoundTripProperties.sample()) {
            w.add(s.name(), s.dtype(), s.shape(), TensorCodec.encode(s.dtype(), s.shape(),
                    RoundTripProperties.randomValues(s)));
        }
        Path p = dir.resolve("good.smoe");
        List<TensorInfo> written = w.write(p);
        good = Files.readAllBytes(p);
        ByteBuffer h = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN);
        metaOffset = h.getLong(SmoeLayout.OFF_META_OFFSET);
        dirOffset = h.getLong(SmoeLayout.OFF_DIR_OFFSET);
        dataOffset = written.getFirst().offset();
    }

    private String refusal(byte[] bytes) throws IOException {
        Path p = dir.resolve("damaged.smoe");
        Files.write(p, bytes);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> {
            try (SmoeFile f = SmoeFile.open(p)) {
                fail("opened a damaged file: " + f.tensors());
            }
        });
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    /** Applies an edit, then makes the header checksum right again so the check behind it is the one tested. */
    private byte[] edited(Consumer<ByteBuffer> edit) {
        byte[] b = good.clone();
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        edit.accept(h);
        CRC32C crc = new CRC32C();
        crc.update(b, 0, SmoeLayout.OFF_HEADER_CRC);
        long mo = h.getLong(SmoeLayout.OFF_META_OFFSET), ml = h.getLong(SmoeLayout.OFF_META_LENGTH);
        long dO = h.getLong(SmoeLayout.OFF_DIR_OFFSET), dl = h.getLong(SmoeLayout.OFF_DIR_LENGTH);
        if (mo >= 0 && ml >= 0 && ml <= b.length - mo && dO >= 0 && dl >= 0 && dl <= b.length - dO) {
            crc.update(b, (int) mo, (int) ml);
            crc.update(b, (int) dO, (int) dl);
        }
        h.putInt(SmoeLayout.OFF_HEADER_CRC, (int) crc.getValue());
        return b;
    }

    @Test
    void theGoodFileOpens() throws IOException {
        Path p = dir.resolve("ok.smoe");
        Files.write(p, good);
        try (SmoeFile f = SmoeFile.open(p)) {
            assertEquals(3, f.tensors().size());
            assertEquals("1.0", f.version());
        }
    }

    @Test
    void theWrittenFileGetsTheUsualPermissionsAndNoTemporaryFileRemains() throws IOException {
        Path p = dir.resolve("good.smoe");
        var perms = Files.getPosixFilePermissions(p);
        assertTrue(perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)
                || !Files.getPosixFilePermissions(dir).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ),
                "readable like any other file: " + perms);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(p), files.toList());
        }
    }

    @Test
    void everyTruncationIsRefused() throws IOException {
        for (int len = 0; len < good.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(good, len);
            String m = refusal(cut);
            assertTrue(m.contains("truncated") || m.contains("too short"), len + ": " + m);
        }
    }

    @Test
    void everyFlippedByteBeforeTheDataIsRefused() throws IOException {
        for (int i = 0; i < dataOffset; i++) {
            byte[] b = good.clone();
            b[i] ^= 0x10;
            String m = refusal(b);
            assertTrue(m.contains("checksum") || m.contains("magic") || m.contains("version")
                    || m.contains("header") || m.contains("bytes"), i + ": " + m);
        }
    }

    @Test
    void aFlippedDataByteIsFoundByVerification() throws IOException {
        for (long i = dataOffset; i < good.length; i += 7) {
            byte[] b = good.clone();
            b[(int) i] ^= 0x01;
            Path p = dir.resolve("flipped.smoe");
            Files.write(p, b);
            try (SmoeFile f = SmoeFile.open(p)) {
                List<String> bad = f.verifyAll();
                long at = i;
                boolean inTensor = f.tensors().stream()
                        .anyMatch(t -> at >= t.offset() && at < t.offset() + t.byteLength());
                assertEquals(inTensor ? 1 : 0, bad.size(), "byte " + i + " damaged " + bad);
            }
        }
    }

    @Test
    void wrongMagicIsRefused() throws IOException {
        byte[] b = good.clone();
        b[0] = 'X';
        assertTrue(refusal(b).contains("not a .smoe model file"));
        byte[] zip = good.clone();
        zip[0] = 'P';
        zip[1] = 'K';
        assertTrue(refusal(zip).contains("PyTorch checkpoint"));
    }

    @Test
    void aNewerMajorVersionIsRefused() throws IOException {
        String m = refusal(edited(h -> h.putShort(SmoeLayout.OFF_MAJOR, (short) 2)));
        assertTrue(m.contains("version 2.0 is newer than this reader"), m);
    }

    @Test
    void aNewerMinorVersionOpens() throws IOException {
        Path p = dir.resolve("minor.smoe");
        Files.write(p, edited(h -> h.putShort(SmoeLayout.OFF_MINOR, (short) 7)));
        try (SmoeFile f = SmoeFile.open(p)) {
            assertEquals("1.7", f.version());
        }
    }

    @Test
    void absurdSectionSizesAreRefusedWithoutAllocating() throws IOException {
        assertTrue(refusal(edited(h -> h.putLong(SmoeLayout.OFF_META_LENGTH, Long.MAX_VALUE))).contains("outside"));
        assertTrue(refusal(edited(h -> h.putLong(SmoeLayout.OFF_DIR_OFFSET, -64))).contains("outside"));
        assertTrue(refusal(edited(h -> h.putInt(SmoeLayout.OFF_TENSOR_COUNT, -1))).contains("cannot fit"));
        assertTrue(refusal(edited(h -> h.putLong(SmoeLayout.OFF_FILE_LENGTH, 1L << 60))).contains("truncated"));
    }

    @Test
    void absurdCountsAndLengthsInsideSectionsAreRefused() throws IOException {
        // the metadata entry count, then the first key's length
        assertTrue(refusal(edited(h -> h.putInt((int) metaOffset, Integer.MAX_VALUE))).contains("cannot fit"));
        assertTrue(refusal(edited(h -> h.putShort((int) metaOffset + 4, (short) 0xffff))).contains("limit"));
        // the first tensor's name length, then its first dimension
        assertTrue(refusal(edited(h -> h.putShort((int) dirOffset, (short) 900))).contains("truncated"));
        int nameLen = h16(good, (int) dirOffset);
        int dim0 = (int) dirOffset + 2 + nameLen + 2;
        assertTrue(refusal(edited(h -> h.putLong(dim0, 1L << 62))).contains("absurd shape"));
        assertTrue(refusal(edited(h -> h.putLong(dim0, 4))).contains("should be"));
        assertTrue(refusal(edited(h -> h.put((int) dirOffset + 2 + nameLen, (byte) 99))).contains("unknown dtype"));
    }

    @Test
    void tensorsOutsideTheFileOrOverlappingAreRefused() throws IOException {
        int nameLen = h16(good, (int) dirOffset);
        int rank = good[(int) dirOffset + 2 + nameLen + 1];
        int offsetField = (int) dirOffset + 2 + nameLen + 2 + 8 * rank;
        assertTrue(refusal(edited(h -> h.putLong(offsetField, good.length + 64L))).contains("not an aligned range"));
        assertTrue(refusal(edited(h -> h.putLong(offsetField, dataOffset + 1))).contains("not an aligned range"));
        assertTrue(refusal(edited(h -> h.putLong(offsetField, 0))).contains("not an aligned range"));
    }

    private static int h16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }
}
