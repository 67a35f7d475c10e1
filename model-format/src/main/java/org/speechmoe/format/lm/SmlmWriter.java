package org.speechmoe.format.lm;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.speechmoe.format.Checksums;
import org.speechmoe.format.CompleteFile;

/**
 * Writes a language model as an {@code .smlm} file (docs/FORMAT.md, "Language model files"). The sections are written
 * as the model holds them, in a fixed order with zero padding, so the same model always gives the same bytes. The
 * file appears at its path only when it is complete.
 */
public final class SmlmWriter {
    private SmlmWriter() {
    }

    /**
     * Writes {@code model} to {@code target}, replacing any file there.
     *
     * @return the size of the file written, in bytes
     */
    public static long write(BackoffModel model, Path target) throws IOException {
        List<MemorySegment> sections = new ArrayList<>();
        List<Long> items = new ArrayList<>();
        sections.add(MemorySegment.ofArray(model.metadata().encode()));
        items.add((long) model.metadata().size());
        sections.add(model.vocabulary().section());
        items.add((long) model.vocabularySize());
        for (int n = 1; n <= model.order(); n++) {
            sections.add(model.table(n).section());
            items.add((long) model.table(n).count());
        }

        long directoryLength = (long) SmlmLayout.DIR_ENTRY * sections.size();
        ByteBuffer directory = ByteBuffer.allocate((int) directoryLength).order(ByteOrder.LITTLE_ENDIAN);
        long[] offsets = new long[sections.size()];
        long end = SmlmLayout.HEADER_SIZE + directoryLength;
        for (int i = 0; i < sections.size(); i++) {
            offsets[i] = SmlmLayout.alignUp(end);
            MemorySegment s = sections.get(i);
            directory.putLong(offsets[i]).putLong(s.byteSize()).putInt(items.get(i).intValue())
                    .putInt(Checksums.crc32c(s));
            end = offsets[i] + s.byteSize();
        }
        long fileLength = end;
        ByteBuffer header = header(fileLength, model.order(), sections.size(), directory.array());

        CompleteFile.write(target, ch -> {
            CompleteFile.writeFully(ch, header, 0);
            CompleteFile.writeFully(ch, directory.clear(), SmlmLayout.HEADER_SIZE);
            long written = SmlmLayout.HEADER_SIZE + directoryLength;
            for (int i = 0; i < sections.size(); i++) {
                CompleteFile.writeFully(ch, ByteBuffer.allocate((int) (offsets[i] - written)), written);
                CompleteFile.writeFully(ch, sections.get(i), offsets[i]);
                written = offsets[i] + sections.get(i).byteSize();
            }
        });
        return fileLength;
    }

    private static ByteBuffer header(long fileLength, int order, int sectionCount, byte[] directory) {
        ByteBuffer h = ByteBuffer.allocate(SmlmLayout.HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        h.put(SmlmLayout.MAGIC);
        h.putShort(SmlmLayout.OFF_MAJOR, (short) SmlmLayout.MAJOR_VERSION);
        h.putShort(SmlmLayout.OFF_MINOR, (short) SmlmLayout.MINOR_VERSION);
        h.putInt(SmlmLayout.OFF_FLAGS, 0);
        h.putLong(SmlmLayout.OFF_FILE_LENGTH, fileLength);
        h.putInt(SmlmLayout.OFF_ORDER, order);
        h.putInt(SmlmLayout.OFF_SECTION_COUNT, sectionCount);
        h.putLong(SmlmLayout.OFF_DIR_OFFSET, SmlmLayout.HEADER_SIZE);
        h.putLong(SmlmLayout.OFF_DIR_LENGTH, directory.length);
        CRC32C crc = new CRC32C();
        crc.update(h.array(), 0, SmlmLayout.OFF_HEADER_CRC);
        crc.update(directory);
        h.putInt(SmlmLayout.OFF_HEADER_CRC, (int) crc.getValue());
        return h.clear();
    }
}
