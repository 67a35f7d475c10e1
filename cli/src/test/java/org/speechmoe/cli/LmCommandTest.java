package org.speechmoe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speechmoe.format.lm.SmlmFile;

/** {@code speechmoe lm convert} and {@code lm inspect}, driven in-process: output, exit codes, one-line errors. */
class LmCommandTest {
    static final Path ARPA = Path.of("..", "testdata", "lm", "small.arpa");

    @TempDir
    Path tmp;

    private Path converted() {
        Path out = tmp.resolve("small.smlm");
        CliTest.Run c = CliTest.run("lm", "convert", ARPA.toString(), "-o", out.toString());
        assertEquals(0, c.exit(), c.err());
        return out;
    }

    @Test
    void convertPrintsOneLineAndWritesAModelThatOpens() throws IOException {
        Path out = tmp.resolve("small.smlm");
        CliTest.Run c = CliTest.run("lm", "convert", ARPA.toString(), "-o", out.toString());
        assertEquals(0, c.exit(), c.err());
        assertEquals("", c.err());
        assertEquals(1, c.out().lines().count(), c.out());
        assertTrue(c.out().matches("converted " + Pattern.quote(ARPA + " -> " + out)
                + ": 3-gram model, 1-grams 28, 2-grams 56, 3-grams 63, [0-9.]+ KiB, [0-9.]+ s\\n"), c.out());
        try (SmlmFile lm = SmlmFile.open(out)) {
            assertEquals(3, lm.order());
        }
    }

    @Test
    void gzipIsRecognizedByItsContent() throws IOException {
        Path gz = tmp.resolve("small.arpa.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(Files.readAllBytes(ARPA));
        }
        Path out = tmp.resolve("from-gzip.smlm");
        CliTest.Run c = CliTest.run("lm", "convert", gz.toString(), "-o", out.toString());
        assertEquals(0, c.exit(), c.err());
        try (SmlmFile plain = SmlmFile.open(converted()); SmlmFile fromGzip = SmlmFile.open(out)) {
            assertEquals("small.arpa.gz", fromGzip.metadata().getString("lm.source"));
            assertEquals(plain.sections().subList(1, 5).stream().map(SmlmFile.Section::crc32c).toList(),
                    fromGzip.sections().subList(1, 5).stream().map(SmlmFile.Section::crc32c).toList(),
                    "the same vocabulary and n-grams");
        }
    }

    @Test
    void aMissingUnkIsAddedWithANote() throws IOException {
        String text = Files.readString(ARPA).replace("-0.815476\t<unk>\n", "").replace("ngram 1=28", "ngram 1=27");
        Path arpa = Files.writeString(tmp.resolve("no-unk.arpa"), text);
        CliTest.Run c = CliTest.run("lm", "convert", arpa.toString(), "-o", tmp.resolve("x.smlm").toString());
        assertEquals(0, c.exit(), c.err());
        assertTrue(c.out().contains("1-grams 28,"), c.out());
        assertTrue(c.out().contains(
                "\n  note: the ARPA file has no <unk>; it was added with log10 probability -100.0\n"), c.out());
    }

    @Test
    void aBrokenArpaFileIsRefusedInOneLineNamingTheLineAndNothingIsWritten() throws IOException {
        String text = Files.readString(ARPA).replace("-0.778151\tthe cat sat", "0.5\tthe cat sat");
        Path arpa = Files.writeString(tmp.resolve("bad\u001b[2J.arpa"), text);
        Path out = tmp.resolve("bad.smlm");
        CliTest.Run c = CliTest.run("lm", "convert", arpa.toString(), "-o", out.toString());
        assertEquals(SpeechMoeCli.EXIT_FAILED, c.exit());
        assertEquals(1, c.err().lines().count(), c.err());
        int line = text.lines().toList().indexOf("0.5\tthe cat sat") + 1;
        assertTrue(c.err().startsWith("speechmoe: " + tmp + "/bad\\x1b[2J.arpa:" + line
                + ": the log10 probability 0.5 is above 0"), c.err());
        assertFalse(Files.exists(out));
        assertEquals("", c.out());
    }

    @Test
    void usageMistakes() throws IOException {
        CliTest.Run missing = CliTest.run("lm", "convert", tmp.resolve("none.arpa").toString(), "-o",
                tmp.resolve("x.smlm").toString());
        assertEquals(SpeechMoeCli.EXIT_FAILED, missing.exit());
        assertEquals("speechmoe: no such file: " + tmp.resolve("none.arpa") + "\n", missing.err());

        CliTest.Run noOutput = CliTest.run("lm", "convert", ARPA.toString());
        assertEquals(SpeechMoeCli.EXIT_USAGE, noOutput.exit());
        assertTrue(noOutput.err().contains("see speechmoe lm convert --help"), noOutput.err());

        Path copy = Files.copy(ARPA, tmp.resolve("copy.arpa"));
        CliTest.Run onItself = CliTest.run("lm", "convert", copy.toString(), "-o", copy.toString());
        assertEquals(SpeechMoeCli.EXIT_USAGE, onItself.exit());
        assertTrue(onItself.err().contains("is the ARPA file itself"), onItself.err());
        assertEquals(Files.readString(ARPA), Files.readString(copy));

        CliTest.Run none = CliTest.run("lm");
        assertEquals(SpeechMoeCli.EXIT_USAGE, none.exit());
        assertEquals("speechmoe lm: a subcommand is required (convert, inspect) (see speechmoe lm --help)\n",
                none.err());
        assertTrue(CliTest.run().err().contains(
                "a command is required (transcribe, listen, convert, inspect, logits, eval, lm, bench, routing)"));
    }

    @Test
    void inspectShowsTheModel() {
        Path smlm = converted();
        CliTest.Run i = CliTest.run("lm", "inspect", smlm.toString());
        assertEquals(0, i.exit(), i.err());
        assertTrue(i.out().startsWith(smlm + ": .smlm version 1.0, "), i.out());
        assertTrue(i.out().contains("KiB, 3-gram model, header checksum ok\n"), i.out());
        assertTrue(i.out().contains("  lm.source                        \"small.arpa\"\n"), i.out());
        assertTrue(i.out().contains("   3-grams           63\n"), i.out());
        assertTrue(i.out().contains("  vocabulary 28 words: <unk> <s> </s> The a and bird café cat closed cold corner"
                + " ...\n"), i.out());
        assertTrue(i.out().contains("\n3-grams "), i.out());
        assertFalse(i.out().contains("crc32c"), i.out());
    }

    @Test
    void inspectVerifyChecksEverySection() throws IOException {
        Path smlm = converted();
        CliTest.Run ok = CliTest.run("lm", "inspect", smlm.toString(), "--verify");
        assertEquals(0, ok.exit(), ok.err());
        assertEquals(5, ok.out().lines().filter(l -> l.endsWith("  ok")).count(), ok.out());
        assertTrue(ok.out().endsWith("all 5 section checksums match; the n-gram tables are well-formed\n"), ok.out());

        byte[] b = Files.readAllBytes(smlm);
        b[b.length - 3] ^= 0x40; // in the 3-grams
        Files.write(smlm, b);
        CliTest.Run damaged = CliTest.run("lm", "inspect", smlm.toString(), "--verify");
        assertEquals(SpeechMoeCli.EXIT_FAILED, damaged.exit());
        assertTrue(damaged.out().contains("MISMATCH"), damaged.out());
        assertEquals("speechmoe: " + smlm + ": 1 of 5 sections fail their checksum: the file is damaged\n",
                damaged.err());

        CliTest.Run score = CliTest.run("lm", "inspect", smlm.toString(), "--score", "the cat");
        assertEquals(SpeechMoeCli.EXIT_FAILED, score.exit());
        assertEquals("speechmoe: " + smlm + ": the 3-grams section fails its checksum: the file is damaged (its bytes"
                + " changed after it was written)\n", score.err());
        assertFalse(score.out().contains("score:"), score.out());
    }

    @Test
    void inspectScoresSentencesAsKenLmsQuery() {
        Path smlm = converted();
        CliTest.Run s = CliTest.run("lm", "inspect", smlm.toString(), "--score", "the cat sat",
                "--score", "  the zebra\u001b ");
        assertEquals(0, s.exit(), s.err());
        List<String> lines = s.out().lines().toList();
        int first = lines.indexOf("score: the cat sat");
        assertEquals(List.of(
                "score: the cat sat",
                "  the                         -0.3388",
                "  cat                         -0.6021",
                "  sat                         -0.7782",
                "  </s>                        -1.3085",
                "  total log10 -3.0275 over 3 words and </s>, 0 unknown, perplexity 5.71",
                "",
                "score:   the zebra\\x1b ",
                "  the                         -0.3388",
                "  zebra\\x1b                   -1.4387  (unknown: <unk>)",
                "  </s>                        -0.8687",
                "  total log10 -2.6463 over 2 words and </s>, 1 unknown, perplexity 7.62"),
                lines.subList(first, lines.size()));
    }

    @Test
    void anArpaFileIsNotAnSmlmFile() {
        CliTest.Run i = CliTest.run("lm", "inspect", ARPA.toString());
        assertEquals(SpeechMoeCli.EXIT_FAILED, i.exit());
        assertEquals("speechmoe: " + ARPA + ": not an .smlm language model: wrong magic number (it looks like text, an"
                + " ARPA file perhaps: convert it with speechmoe lm convert)\n", i.err());
    }
}
