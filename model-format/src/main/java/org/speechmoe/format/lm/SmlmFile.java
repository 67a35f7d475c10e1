package org.speechmoe.format.lm;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;
import org.speechmoe.format.Checksums;
import org.speechmoe.format.Metadata;
import org.speechmoe.format.ModelFormatException;

/**
 * An open {@code .smlm} language model, memory-mapped read-only and queried in place: opening reads nothing onto
 * the heap but the header's numbers and the metadata, whatever the size of the model.
 *
 * <p>What opening checks (docs/FORMAT.md, "What a reader checks"): always the header, its checksum, the placement of
 * every section, the metadata and the vocabulary (checksums and contents); with {@link Verification#FULL}, the
 * default, also every n-gram section's checksum and structure, so that no query on a damaged file can go wrong.
 *
 * <p>Thread-safe: the mapping is shared and every query is read-only. Closing unmaps the file; queries after that
 * throw {@link IllegalStateException}.
 */
public final class SmlmFile implements NgramModel, AutoCloseable {
    /** How much of the file opening checks. */
    public enum Verification {
        /**
         * Everything: the n-gram sections' checksums, then their structure (sorted words, child ranges that tile the
         * next order, back-off links equal to what the n-grams imply). Reads the whole file once.
         */
        FULL,
        /**
         * All but the n-gram sections, so that opening a large model for a look is quick: for a file checked before
         * ({@link #checkStructure} and {@link #verify}) that cannot have changed since. Queries on a file whose n-gram
         * sections are damaged then give wrong scores or throw {@link IndexOutOfBoundsException}.
         */
        SKIP_NGRAMS
    }

    /** One section of the file, as its directory entry describes it. */
    public record Section(String name, long offset, long length, long items, int crc32c) {
    }

    private final Path path;
    private final Arena arena;
    private final MemorySegment mapped;
    private final int major;
    private final int minor;
    private final List<Section> sections;
    private final BackoffModel model;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SmlmFile(Path path, Arena arena, MemorySegment mapped, int major, int minor, List<Section> sections,
                     BackoffModel model) {
        this.path = path;
        this.arena = arena;
        this.mapped = mapped;
        this.major = major;
        this.minor = minor;
        this.sections = List.copyOf(sections);
        this.model = model;
    }

    /** Maps and fully checks a language model file ({@link Verification#FULL}). */
    public static SmlmFile open(Path path) throws IOException {
        return open(path, Verification.FULL);
    }

    /**
     * Maps and checks a language model file.
     *
     * @throws ModelFormatException when the file is not a usable {@code .smlm} file; the message names the problem
     * @throws NoSuchFileException  when there is no file at {@code path}
     */
    public static SmlmFile open(Path path, Verification verification) throws IOException {
        String name = path.toString();
        if (Files.isDirectory(path)) {
            throw new ModelFormatException(name + ": is a directory, not an .smlm language model");
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            Header header = header(name, ch);
            Arena arena = Arena.ofShared();
            try {
                SmlmFile file = parse(path, arena, ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena), header);
                if (verification == Verification.FULL) {
                    file.verifyNgrams();
                }
                return file;
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        }
    }

    /** The header's numbers, checked against each other and the file's size. */
    private record Header(int major, int minor, int order, long sectionCount, long directoryLength) {
    }

    /** Reads and checks the header before anything is mapped, so that a file that is no model costs little. */
    private static Header header(String name, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < SmlmLayout.HEADER_SIZE) {
            throw new ModelFormatException(name + ": " + size + " bytes is too short for an .smlm header ("
                    + SmlmLayout.HEADER_SIZE + " bytes): the file is truncated or not a language model");
        }
        ByteBuffer h = ByteBuffer.allocate(SmlmLayout.HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        while (h.hasRemaining() && ch.read(h, h.position()) > 0) {
            // a file channel reads a regular file's bytes in one call or a few
        }
        byte[] magic = Arrays.copyOf(h.array(), SmlmLayout.MAGIC.length);
        if (!Arrays.equals(magic, SmlmLayout.MAGIC)) {
            throw new ModelFormatException(name + ": not an .smlm language model: wrong magic number" + hint(magic));
        }
        int major = Short.toUnsignedInt(h.getShort(SmlmLayout.OFF_MAJOR));
        int minor = Short.toUnsignedInt(h.getShort(SmlmLayout.OFF_MINOR));
        if (major > SmlmLayout.MAJOR_VERSION) {
            throw new ModelFormatException(name + ": format version " + major + "." + minor
                    + " is newer than this reader (" + SmlmLayout.MAJOR_VERSION + ".x): upgrade speechmoe");
        }
        if (major < 1) {
            throw new ModelFormatException(name + ": format version " + major + "." + minor
                    + " is not a released version");
        }
        long declared = h.getLong(SmlmLayout.OFF_FILE_LENGTH);
        if (declared != size) {
            throw new ModelFormatException(name + ": the header says the file is " + declared + " bytes but it is "
                    + size + (size < declared ? ": the file is truncated"
                    : ": bytes were appended or the header is damaged"));
        }
        long order = Integer.toUnsignedLong(h.getInt(SmlmLayout.OFF_ORDER));
        long sectionCount = Integer.toUnsignedLong(h.getInt(SmlmLayout.OFF_SECTION_COUNT));
        long dirOffset = h.getLong(SmlmLayout.OFF_DIR_OFFSET);
        long dirLength = h.getLong(SmlmLayout.OFF_DIR_LENGTH);
        if (order < 1 || order > SmlmLayout.MAX_ORDER || sectionCount < order + SmlmLayout.LEADING_SECTIONS
                || dirOffset != SmlmLayout.HEADER_SIZE || dirLength != SmlmLayout.DIR_ENTRY * sectionCount
                || dirLength > size - dirOffset) {
            throw new ModelFormatException(name + ": the header's order (" + order + "), section count ("
                    + sectionCount + ") or directory placement (" + dirLength + " bytes at " + dirOffset
                    + ") is impossible: the header is damaged or the file truncated");
        }
        return new Header(major, minor, (int) order, sectionCount, dirLength);
    }

    private static SmlmFile parse(Path path, Arena arena, MemorySegment seg, Header header)
            throws ModelFormatException {
        String name = path.toString();
        long size = seg.byteSize();
        long dirOffset = SmlmLayout.HEADER_SIZE;
        MemorySegment dir = seg.asSlice(dirOffset, header.directoryLength());
        CRC32C crc = new CRC32C();
        crc.update(seg.asSlice(0, SmlmLayout.OFF_HEADER_CRC).asByteBuffer());
        crc.update(dir.asByteBuffer());
        if ((int) crc.getValue() != seg.get(SmlmLayout.U32, SmlmLayout.OFF_HEADER_CRC)) {
            throw new ModelFormatException(name + ": header checksum mismatch: the header or the section directory"
                    + " is damaged");
        }
        int known = header.order() + SmlmLayout.LEADING_SECTIONS;
        List<Section> sections = new ArrayList<>(known);
        long end = dirOffset + header.directoryLength();
        for (long i = 0; i < header.sectionCount(); i++) {
            long at = i * SmlmLayout.DIR_ENTRY;
            long offset = dir.get(SmlmLayout.U64, at);
            long length = dir.get(SmlmLayout.U64, at + 8);
            long items = Integer.toUnsignedLong(dir.get(SmlmLayout.U32, at + 16));
            int checksum = dir.get(SmlmLayout.U32, at + 20);
            String section = i < known ? SmlmLayout.sectionName((int) i) : "section " + i;
            if (offset != SmlmLayout.alignUp(end) || length < 0 || length > size - offset) {
                throw new ModelFormatException(name + ": the directory places the " + section + " section at bytes ["
                        + offset + ", " + (offset + length) + "), not right after the one before it inside the "
                        + size + "-byte file: the file is truncated or its directory damaged");
            }
            end = offset + length;
            if (i < known) {
                sections.add(new Section(section, offset, length, items, checksum));
            }
        }
        if (end != size) {
            throw new ModelFormatException(name + ": " + (size - end) + " bytes follow the last section: the"
                    + " directory is damaged");
        }
        BackoffModel model = model(name, seg, header.order(), sections);
        return new SmlmFile(path, arena, seg, header.major(), header.minor(), sections, model);
    }

    /** Decodes the metadata, checks the vocabulary and lays the n-gram tables over their sections. */
    private static BackoffModel model(String name, MemorySegment seg, int order, List<Section> sections)
            throws ModelFormatException {
        for (Section s : sections.subList(0, SmlmLayout.LEADING_SECTIONS)) {
            requireIntact(name, seg, s);
        }
        Section meta = sections.get(0);
        Metadata metadata = Metadata.decode(slice(seg, meta), name, meta.name());
        if (metadata.size() != meta.items()) {
            throw new ModelFormatException(name + ": metadata section: " + metadata.size()
                    + " entries, the directory says " + meta.items());
        }
        Section words = sections.get(1);
        if (words.items() < 3 || words.items() > SmlmLayout.MAX_WORDS) {
            throw new ModelFormatException(name + ": vocabulary section: " + words.items() + " words is not a"
                    + " vocabulary size of this format (3 to " + SmlmLayout.MAX_WORDS + ")");
        }
        Vocabulary vocabulary = Vocabulary.over(slice(seg, words), (int) words.items(), name);
        vocabulary.check(name);
        NgramTable[] tables = new NgramTable[order];
        for (int n = 1; n <= order; n++) {
            Section s = sections.get(SmlmLayout.LEADING_SECTIONS + n - 1);
            long expected = NgramTable.sectionBytes(n, order, s.items());
            if ((n == 1 && s.items() != words.items()) || s.items() > SmlmLayout.MAX_NGRAMS
                    || s.length() != expected) {
                throw new ModelFormatException(name + ": " + s.name() + " section: " + s.items() + " n-grams in "
                        + s.length() + " bytes" + (n == 1 ? " for " + words.items() + " words" : "")
                        + " do not match: the directory is damaged");
            }
            tables[n - 1] = NgramTable.over(slice(seg, s), n, order, (int) s.items());
        }
        return BackoffModel.of(metadata, vocabulary, tables, name);
    }

    private static MemorySegment slice(MemorySegment seg, Section s) {
        return seg.asSlice(s.offset(), s.length());
    }

    private static String hint(byte[] magic) {
        if ((magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return " (it is gzip-compressed, an .arpa.gz perhaps: convert it with speechmoe lm convert)";
        }
        if (magic[0] == 'S' && magic[1] == 'M' && magic[2] == 'O' && magic[3] == 'E') {
            return " (it is a .smoe acoustic model)";
        }
        for (byte b : magic) {
            if (b < 0x20 && !Utf8.isBlank(b) || b == 0x7f) {
                return "";
            }
        }
        return " (it looks like text, an ARPA file perhaps: convert it with speechmoe lm convert)";
    }

    /**
     * Checks what {@link Verification#SKIP_NGRAMS} left unchecked: every n-gram section's checksum, then
     * {@link #checkStructure}. After it, queries are as safe as on a file opened with {@link Verification#FULL}.
     *
     * @throws ModelFormatException naming the first damaged section, or the first structural problem
     */
    public void verifyNgrams() throws ModelFormatException {
        for (Section s : sections.subList(SmlmLayout.LEADING_SECTIONS, sections.size())) {
            requireIntact(path.toString(), mapped, s);
        }
        checkStructure();
    }

    /**
     * Checks what the n-gram sections' checksums cannot: that their contents make a model (words in range and
     * sorted, probabilities that are log10 probabilities, child ranges that tile each order, back-off links equal to
     * the longest suffixes). {@link Verification#FULL} runs it at open.
     *
     * @throws ModelFormatException naming the section and entry of the first problem
     */
    public void checkStructure() throws ModelFormatException {
        String name = path.toString();
        for (int n = 1; n <= model.order(); n++) {
            model.table(n).checkEntries(model.vocabularySize(), name);
        }
        for (int n = 1; n < model.order(); n++) {
            model.table(n).checkChildren(model.table(n + 1), name);
        }
        model.checkLinks(name);
    }

    /** Recomputes a section's checksum; false means its bytes changed after writing. */
    public boolean verify(Section s) {
        if (!sections.contains(s)) {
            throw new IllegalArgumentException(s.name() + " is not a section of " + path);
        }
        return Checksums.crc32c(slice(mapped, s)) == s.crc32c();
    }

    /** Names of the sections whose checksum does not match, in file order; empty when all are intact. */
    public List<String> verifyAll() {
        List<String> bad = new ArrayList<>();
        for (Section s : sections) {
            if (!verify(s)) {
                bad.add(s.name());
            }
        }
        return bad;
    }

    private static void requireIntact(String name, MemorySegment seg, Section s) throws ModelFormatException {
        if (Checksums.crc32c(slice(seg, s)) != s.crc32c()) {
            throw new ModelFormatException(name + ": the " + s.name() + " section fails its checksum: the file is"
                    + " damaged (its bytes changed after it was written)");
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
        return model.metadata();
    }

    /** The number of n-grams of each order, unigrams first. */
    public long[] counts() {
        return model.counts();
    }

    /** The sections this reader knows, in file order: metadata, vocabulary, then the n-grams of each order. */
    public List<Section> sections() {
        return sections;
    }

    /** The model in place in the mapping, to write it elsewhere for instance; valid until the file is closed. */
    public BackoffModel model() {
        return model;
    }

    @Override
    public int order() {
        return model.order();
    }

    @Override
    public int vocabularySize() {
        return model.vocabularySize();
    }

    @Override
    public String word(int id) {
        return model.word(id);
    }

    @Override
    public int wordId(CharSequence word) {
        return model.wordId(word);
    }

    @Override
    public long startState() {
        return model.startState();
    }

    @Override
    public float score(long state, int word, long[] nextState) {
        return model.score(state, word, nextState);
    }

    @Override
    public float endScore(long state) {
        return model.endScore(state);
    }

    /** Unmaps the file; closing again does nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            arena.close();
        }
    }
}
