package org.speechmoe.format.lm;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.speechmoe.format.Metadata;
import org.speechmoe.format.ModelFormatException;

/**
 * Reads a back-off language model in the ARPA text format, as SRILM, KenLM, IRSTLM, MITLM and the CMU toolkit write
 * it, in one pass, into the sections of an {@code .smlm} file held in memory. The rules (docs/FORMAT.md, "ARPA
 * import", says the same):
 *
 * <ul>
 *   <li>Text before the {@code \data\} line is ignored (toolkits put comments there; so is a byte order mark), and so
 *       is text after
 *       {@code \end\}. Blank lines are skipped anywhere. Fields are separated by any run of spaces and tabs (and the
 *       other ASCII blanks): toolkits differ in where they put tabs. Lines are at most {@value #MAX_LINE_BYTES} bytes
 *       of UTF-8; a CR before the LF is dropped. Words are case-sensitive and kept as they are.</li>
 *   <li>{@code ngram N=count} lines must declare orders 1, 2, ... in turn, each once; then come the {@code \N-grams:}
 *       sections in the same order, each with exactly the declared number of lines, then {@code \end\}.</li>
 *   <li>An n-gram line is a log10 probability, the n words, and an optional log10 back-off weight (0 when absent).
 *       A probability must be a decimal number not above 0 ({@code -99}, SRILM's log of 0, is an ordinary number
 *       here), or {@code -inf}; a back-off weight any finite decimal number. A back-off weight on an n-gram of the
 *       highest order has no use and is ignored (the CMU toolkit writes 0 there).</li>
 *   <li>Every word of a longer n-gram must be a unigram; no n-gram may appear twice; the context of every n-gram
 *       (its words but the last) must itself be in the model, as KenLM requires too: back-off needs it, and the
 *       model's states rely on it. A missing suffix (the n-gram without its first word) is allowed: the back-off rule
 *       does not need it.</li>
 *   <li>{@code <s>} and {@code </s>} must be unigrams (KenLM refuses a file without them too). When {@code <unk>}
 *       is not, it is added with log10 probability {@value #MISSING_UNKNOWN_LOG10_PROB} and back-off weight 0, as
 *       KenLM does by default, and the metadata says so.</li>
 *   <li>At most {@value SmlmLayout#MAX_ORDER} orders, 2^30 words (whose UTF-8 text must fit in 4 GiB) and 2^31 - 1
 *       n-grams of each order: the {@code .smlm} format's limits.</li>
 * </ul>
 * Every refusal is one line naming the file and the line number. A file starting with the gzip magic is
 * decompressed, whatever its name.
 *
 * <p>Metadata written: {@code lm.source} (the file name, without directories) and {@code lm.unk_added} (true when
 * {@code <unk>} was added). The model is built in memory (some 60 bytes an n-gram while its section is read, the
 * size of its {@code .smlm} section after) until written by {@link SmlmWriter}.
 */
public final class ArpaReader {
    /** The longest line accepted, in bytes: far above any real n-gram line, it bounds memory on a wrong file. */
    public static final int MAX_LINE_BYTES = 1 << 16;
    /** The log10 probability given to {@code <unk>} when the file has none: KenLM's default. */
    public static final float MISSING_UNKNOWN_LOG10_PROB = -100;

    private static final Pattern COUNT = Pattern.compile("ngram[ \\t]+([0-9]{1,9})[ \\t]*=[ \\t]*([0-9]{1,18})");
    private static final Pattern SECTION = Pattern.compile("\\\\([0-9]{1,9})-grams:");
    private static final String DATA = "\\data\\";
    private static final String END = "\\end\\";

    private final LineReader lines;
    private final String name;
    private final String source;
    private final Arena arena = Arena.ofAuto();
    private final Map<String, Integer> ids = new HashMap<>();
    private final List<String> words = new ArrayList<>();
    private long[] declared;
    private NgramTable[] tables;
    private Vocabulary vocabulary;
    private long textBytes;
    private boolean unknownAdded;
    /** Field boundaries of the current line: start and end of field i at 2i and 2i + 1. */
    private int[] fields;
    /** The unigrams by word id while their section is read, with the lines that define them. */
    private float[] unigramProbs = new float[64];
    private float[] unigramBackoffs = new float[64];
    private long[] unigramLines = new long[64];
    /** The n-grams of the order whose section is being read, above the unigrams. */
    private NgramBuffer buffer;

    private ArpaReader(InputStream in, String name, String source) {
        this.lines = new LineReader(in, name, MAX_LINE_BYTES);
        this.name = name;
        this.source = source;
    }

    /**
     * Reads an ARPA file, gzip-compressed or not.
     *
     * @throws ModelFormatException when it is not an ARPA file this import accepts; the message names the line
     */
    public static BackoffModel read(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new ModelFormatException(path + ": is a directory, not an ARPA language model");
        }
        try (InputStream in = Files.newInputStream(path)) {
            Path fileName = path.getFileName();
            return read(in, path.toString(), fileName == null ? path.toString() : fileName.toString());
        }
    }

    /**
     * Reads an ARPA text, gzip-compressed or not, from {@code in} (not closed).
     *
     * @param name what messages call the text, a file name for instance
     * @param source the metadata's {@code lm.source}
     */
    public static BackoffModel read(InputStream in, String name, String source) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        buffered.mark(2);
        boolean gzip = buffered.read() == 0x1f && buffered.read() == 0x8b;
        buffered.reset();
        try {
            InputStream text = gzip ? new GZIPInputStream(buffered, 1 << 16) : buffered;
            return new ArpaReader(text, name, source).parse();
        } catch (ZipException | EOFException e) {
            throw new ModelFormatException(name + ": the gzip stream is damaged or cut short (" + e.getMessage() + ")");
        }
    }

    private BackoffModel parse() throws IOException {
        String line;
        do {
            line = lines.next();
            if (line == null) {
                throw new ModelFormatException(name + ": no " + DATA + " line: not an ARPA language model");
            }
        } while (!strip(withoutByteOrderMark(line)).equals(DATA));
        line = readCounts();
        for (int n = 1; n <= declared.length; n++) {
            String header = strip(line);
            Matcher m = SECTION.matcher(header);
            if (!m.matches() || Integer.parseInt(m.group(1)) != n) {
                throw error(header.equals(END) ? END + " comes before the " + n + "-grams that " + DATA + " declares"
                        : "expected \\" + n + "-grams:, found '" + header + "'");
            }
            line = n == 1 ? readUnigrams() : readNgrams(n);
        }
        String last = strip(line);
        if (!last.equals(END)) {
            throw error(SECTION.matcher(last).matches() ? "a section of an order that " + DATA + " does not declare"
                    : "expected " + END + ", found '" + last + "'");
        }
        Metadata metadata = Metadata.builder().putString("lm.source", source).putBoolean("lm.unk_added", unknownAdded)
                .build();
        return BackoffModel.of(metadata, vocabulary, tables, name);
    }

    /** Reads the {@code ngram N=count} lines; returns the first line after them, the first section's header. */
    private String readCounts() throws IOException {
        long[] counts = new long[SmlmLayout.MAX_ORDER];
        int order = 0;
        while (true) {
            String line = nextLine("the " + DATA + " section");
            String t = strip(line);
            if (t.isEmpty()) {
                continue;
            }
            if (t.startsWith("\\")) {
                if (order == 0) {
                    throw error(DATA + " declares no n-gram counts");
                }
                declared = Arrays.copyOf(counts, order);
                tables = new NgramTable[order];
                return line;
            }
            Matcher m = COUNT.matcher(t);
            if (!m.matches()) {
                throw error("expected 'ngram N=count' in the " + DATA + " section, found '" + t + "'");
            }
            int n = Integer.parseInt(m.group(1));
            long count = Long.parseLong(m.group(2));
            if (n == 0) {
                throw error("ngram 0: orders start at 1");
            }
            if (n <= order) {
                throw error("ngram " + n + " is declared twice");
            }
            if (n != order + 1) {
                throw error("ngram " + n + " is declared before ngram " + (order + 1));
            }
            if (n > SmlmLayout.MAX_ORDER) {
                throw error("order " + n + ": the .smlm format holds n-grams of up to " + SmlmLayout.MAX_ORDER
                        + " words");
            }
            if (n == 1 && (count == 0 || count > SmlmLayout.MAX_WORDS)) {
                throw error(count == 0 ? "ngram 1=0: a model needs unigrams"
                        : "a vocabulary of " + count + " words is too big for the .smlm format (at most "
                        + SmlmLayout.MAX_WORDS + ")");
            }
            if (count > SmlmLayout.MAX_NGRAMS) {
                throw error(count + " " + n + "-grams are too many for the .smlm format (at most "
                        + SmlmLayout.MAX_NGRAMS + " of each order)");
            }
            counts[n - 1] = count;
            order = n;
        }
    }

    /**
     * Reads the lines of the n-grams section whose header was just read, handing each to {@link #addUnigram} or
     * {@link #addNgram}; returns the line after them, the next section's header or {@code \end\}.
     */
    private String readSection(int n) throws IOException {
        long count = 0;
        int maxFields = n + 2;
        fields = new int[2 * maxFields];
        while (true) {
            String line = nextLine("the " + n + "-grams section");
            int found = split(line, maxFields);
            if (found == 0) {
                continue;
            }
            if (line.charAt(fields[0]) == '\\') {
                if (count != declared[n - 1]) {
                    throw error(DATA + " declares " + declared[n - 1] + " " + n + "-grams, the section before this"
                            + " line holds " + count);
                }
                return line;
            }
            if (++count > declared[n - 1]) {
                throw error("more " + n + "-grams than the " + declared[n - 1] + " that " + DATA + " declares");
            }
            if (found != n + 1 && found != n + 2) {
                throw error("a " + n + "-gram line holds a log10 probability, " + n + (n == 1 ? " word" : " words")
                        + " and maybe a back-off weight: " + found + " fields are not that");
            }
            float prob = number(line, 0, true);
            float backoff = found == n + 2 ? number(line, n + 1, false) : 0;
            if (n == 1) {
                addUnigram(line, prob, backoff);
            } else {
                addNgram(n, line, prob, backoff);
            }
        }
    }

    private String readUnigrams() throws IOException {
        words.add(null); // id 0 is kept for <unk>
        String next = readSection(1);
        if (words.getFirst() == null) {
            words.set(NgramModel.UNKNOWN_WORD, BackoffModel.UNKNOWN);
            unigramProbs[NgramModel.UNKNOWN_WORD] = MISSING_UNKNOWN_LOG10_PROB;
            unknownAdded = true;
            if (words.size() > SmlmLayout.MAX_WORDS) {
                throw error("with <unk> added, the vocabulary of " + words.size() + " words is too big for the .smlm"
                        + " format (at most " + SmlmLayout.MAX_WORDS + ")");
            }
        }
        for (String required : List.of(BackoffModel.SENTENCE_START, BackoffModel.SENTENCE_END)) {
            if (!ids.containsKey(required)) {
                throw error("the 1-grams before this line have no " + required + ": a model needs the sentence"
                        + " markers <s> and </s>");
            }
        }
        int order = declared.length;
        vocabulary = Vocabulary.build(words, arena);
        NgramTable unigrams = NgramTable.allocate(arena, 1, order, words.size());
        for (int id = 0; id < words.size(); id++) {
            unigrams.setProb(id, unigramProbs[id]);
            if (order > 1) {
                unigrams.setBackoff(id, unigramBackoffs[id]);
            }
        }
        tables[0] = unigrams;
        unigramProbs = null;
        unigramBackoffs = null;
        unigramLines = null;
        return next;
    }

    private void addUnigram(String line, float prob, float backoff) throws ModelFormatException {
        String word = line.substring(fields[2], fields[3]);
        Integer previous = ids.get(word);
        if (previous != null) {
            throw error("duplicate 1-gram '" + word + "' (also on line " + unigramLines[previous] + ")");
        }
        int id = word.equals(BackoffModel.UNKNOWN) ? NgramModel.UNKNOWN_WORD : words.size();
        if (id == words.size()) {
            words.add(word);
        } else {
            words.set(id, word);
        }
        textBytes += word.getBytes(StandardCharsets.UTF_8).length;
        if (textBytes > SmlmLayout.MAX_WORD_BYTES) {
            throw error("the words take more than " + SmlmLayout.MAX_WORD_BYTES + " bytes of UTF-8: too many for the"
                    + " .smlm format");
        }
        ids.put(word, id);
        if (words.size() > unigramProbs.length) {
            int capacity = (int) Math.min(Integer.MAX_VALUE - 8, 2L * unigramProbs.length);
            unigramProbs = Arrays.copyOf(unigramProbs, capacity);
            unigramBackoffs = Arrays.copyOf(unigramBackoffs, capacity);
            unigramLines = Arrays.copyOf(unigramLines, capacity);
        }
        unigramProbs[id] = prob;
        unigramBackoffs[id] = backoff;
        unigramLines[id] = lines.number();
    }

    private String readNgrams(int n) throws IOException {
        buffer = new NgramBuffer();
        String next = readSection(n);
        NgramTable parents = tables[n - 2];
        NgramTable table = NgramTable.allocate(arena, n, declared.length, buffer.size());
        int[] trieOrder = buffer.trieOrder();
        int parent = 0;
        for (int i = 0; i < trieOrder.length; i++) {
            int e = trieOrder[i];
            if (i > 0 && buffer.sameNgram(trieOrder[i - 1], e)) {
                throw new ModelFormatException(name + ":" + buffer.line(e) + ": duplicate " + n + "-gram (the same"
                        + " words as on line " + buffer.line(trieOrder[i - 1]) + ")");
            }
            while (parent <= buffer.context(e)) {
                parents.setChild(parent++, i);
            }
            table.setWord(i, buffer.word(e));
            table.setProb(i, buffer.prob(e));
            if (n < declared.length) {
                table.setBackoff(i, buffer.backoff(e));
                table.setLink(i, buffer.link(e));
            }
        }
        while (parent <= parents.count()) {
            parents.setChild(parent++, trieOrder.length);
        }
        tables[n - 1] = table;
        buffer = null;
        return next;
    }

    private void addNgram(int n, String line, float prob, float backoff) throws ModelFormatException {
        int[] ngram = new int[n];
        for (int k = 0; k < n; k++) {
            String word = line.substring(fields[2 * (k + 1)], fields[2 * (k + 1) + 1]);
            Integer id = ids.get(word);
            if (id == null) {
                throw error("'" + word + "' is not among the 1-grams");
            }
            ngram[k] = id;
        }
        int context = ngram[0];
        for (int k = 1; k < n - 1 && context >= 0; k++) {
            context = tables[k - 1].findChild(context, ngram[k], tables[k]);
        }
        if (context < 0) {
            throw error("the context of this " + n + "-gram, its first " + (n - 1) + " words, is not among the "
                    + (n - 1) + "-grams: back-off needs it");
        }
        buffer.add(context, ngram[n - 1], prob, backoff, n < declared.length ? link(ngram) : 0, lines.number());
    }

    /** The state of the longest proper suffix of {@code ngram} in the model; every shorter order is complete. */
    private long link(int[] ngram) {
        for (int first = 1; first < ngram.length; first++) {
            int index = ngram[first];
            int length = 1;
            while (length < ngram.length - first && index >= 0) {
                index = tables[length - 1].findChild(index, ngram[first + length], tables[length]);
                length++;
            }
            if (index >= 0) {
                return BackoffModel.state(length, index);
            }
        }
        throw new AssertionError("a unigram is always in the model");
    }

    /**
     * Finds the fields of {@code line} (runs of non-blank characters), keeping the bounds of the first {@code max} in
     * {@link #fields}; returns how many there are.
     */
    private int split(String line, int max) {
        int found = 0;
        int i = 0;
        int length = line.length();
        while (true) {
            while (i < length && Utf8.isBlank(line.charAt(i))) {
                i++;
            }
            if (i == length) {
                return found;
            }
            int begin = i;
            while (i < length && !Utf8.isBlank(line.charAt(i))) {
                i++;
            }
            if (found < max) {
                fields[2 * found] = begin;
                fields[2 * found + 1] = i;
            }
            found++;
        }
    }

    /** Field {@code f} as a log10 probability ({@code probability}) or back-off weight. */
    private float number(String line, int f, boolean probability) throws ModelFormatException {
        String text = line.substring(fields[2 * f], fields[2 * f + 1]);
        String what = probability ? "log10 probability" : "back-off weight";
        if (probability && (text.equalsIgnoreCase("-inf") || text.equalsIgnoreCase("-infinity"))) {
            return Float.NEGATIVE_INFINITY;
        }
        if (!isDecimal(text)) {
            throw error("the " + what + " '" + text + "' is not a decimal number");
        }
        double value = Double.parseDouble(text);
        if (probability && value > 0) {
            throw error("the log10 probability " + text + " is above 0: a probability above 1");
        }
        float f32 = (float) value;
        if (!Float.isFinite(f32)) {
            throw error("the " + what + " " + text + " is out of range");
        }
        return f32;
    }

    /** An optional sign, digits with at most one point among or around them, an optional exponent. */
    private static boolean isDecimal(String s) {
        int i = 0;
        int n = s.length();
        if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            i++;
        }
        int digits = 0;
        boolean point = false;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (c == '.' && !point) {
                point = true;
            } else {
                break;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
                i++;
            }
            int exponent = 0;
            for (; i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9'; i++) {
                exponent++;
            }
            if (exponent == 0) {
                return false;
            }
        }
        return i == n;
    }

    private String nextLine(String where) throws IOException {
        String line = lines.next();
        if (line == null) {
            throw new ModelFormatException(name + ":" + lines.number() + ": the file ends in " + where
                    + ", before " + END + ": it is cut short");
        }
        return line;
    }

    private ModelFormatException error(String message) {
        return new ModelFormatException(name + ":" + lines.number() + ": " + message);
    }

    /** The line without the U+FEFF that some Windows editors put at the start of a UTF-8 file. */
    private String withoutByteOrderMark(String line) {
        return lines.number() == 1 && line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    private static String strip(String line) {
        int begin = 0;
        int end = line.length();
        while (begin < end && Utf8.isBlank(line.charAt(begin))) {
            begin++;
        }
        while (end > begin && Utf8.isBlank(line.charAt(end - 1))) {
            end--;
        }
        return line.substring(begin, end);
    }
}
