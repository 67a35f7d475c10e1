package org.speechmoe.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.speechmoe.format.Metadata;
import org.speechmoe.format.lm.NgramModel;
import org.speechmoe.format.lm.SmlmFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Show an .smlm language model: version, order, n-gram counts, vocabulary, metadata, sections.",
                "The header, metadata and vocabulary are always checked; --verify checks every n-gram section's "
                        + "checksum and structure too. --score prints the log10 probability of each word of a "
                        + "sentence and of its end, as KenLM's query does (after checking the whole file)."})
final class LmInspectCommand implements Callable<Integer> {
    private static final int SAMPLE_WORDS = 12;
    private static final double LN_10 = Math.log(10);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "model.smlm")
    Path model;

    @Option(names = "--verify", description = "recompute every section's CRC32C and check the n-gram tables' structure"
            + " (reads the whole file)")
    boolean verify;

    @Option(names = "--score", paramLabel = "SENTENCE", description = "score the words of SENTENCE (separated by"
            + " blanks) and the sentence end; may be given more than once")
    List<String> sentences = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (SmlmFile lm = SmlmFile.open(model, SmlmFile.Verification.SKIP_NGRAMS)) {
            out.printf(Locale.ROOT, "%s: .smlm version %s, %s, %d-gram model, header checksum ok%n",
                    Printable.of(model.toString()), lm.version(), Sizes.human(lm.fileSize()), lm.order());
            out.println();
            Metadata m = lm.metadata();
            out.println("metadata");
            for (String key : m.keys()) {
                out.printf(Locale.ROOT, "  %-32s %s%n", Printable.of(key), Printable.of(m.display(key)));
            }
            out.println();
            out.println("n-grams");
            long[] counts = lm.counts();
            for (int n = 1; n <= counts.length; n++) {
                out.printf(Locale.ROOT, "  %2d-grams %12d%n", n, counts[n - 1]);
            }
            List<String> sample = new ArrayList<>();
            for (int id = 0; id < Math.min(SAMPLE_WORDS, lm.vocabularySize()); id++) {
                sample.add(Printable.of(lm.word(id)));
            }
            out.printf(Locale.ROOT, "  vocabulary %d words: %s%s%n", lm.vocabularySize(), String.join(" ", sample),
                    lm.vocabularySize() > SAMPLE_WORDS ? " ..." : "");
            out.println();
            int bad = sections(out, lm);
            out.flush();
            if (verify) {
                if (bad > 0) {
                    spec.commandLine().getErr().printf(Locale.ROOT, "speechmoe: %s: %d of %d sections fail their"
                            + " checksum: the file is damaged%n", Printable.of(model.toString()), bad,
                            lm.sections().size());
                    return SpeechMoeCli.EXIT_FAILED;
                }
                lm.checkStructure();
                out.printf(Locale.ROOT, "all %d section checksums match; the n-gram tables are well-formed%n",
                        lm.sections().size());
            } else if (!sentences.isEmpty()) {
                lm.verifyNgrams();
            }
            for (String sentence : sentences) {
                score(out, lm, sentence);
            }
            out.flush();
        }
        return 0;
    }

    /** Lists the sections; with --verify, with their checksums' state. Returns how many fail it. */
    private int sections(PrintWriter out, SmlmFile lm) {
        out.printf(Locale.ROOT, "%-12s %12s %12s %12s%s%n", "section", "offset", "bytes", "items",
                verify ? "  crc32c" : "");
        int bad = 0;
        for (SmlmFile.Section s : lm.sections()) {
            String check = "";
            if (verify) {
                boolean ok = lm.verify(s);
                bad += ok ? 0 : 1;
                check = ok ? "  ok" : "  MISMATCH";
            }
            out.printf(Locale.ROOT, "%-12s %12d %12d %12d%s%n", s.name(), s.offset(), s.length(), s.items(), check);
        }
        return bad;
    }

    private static void score(PrintWriter out, NgramModel lm, String sentence) {
        out.println();
        out.println("score: " + Printable.of(sentence));
        long state = lm.startState();
        long[] next = new long[1];
        double total = 0;
        int words = 0;
        int unknown = 0;
        for (String word : sentence.strip().split("[ \\t]+")) {
            if (word.isEmpty()) {
                continue;
            }
            int id = lm.wordId(word);
            double log10 = lm.score(state, id, next) / LN_10;
            state = next[0];
            boolean oov = id == NgramModel.UNKNOWN_WORD && !word.equals(lm.word(NgramModel.UNKNOWN_WORD));
            out.printf(Locale.ROOT, "  %-24s %10.4f%s%n", Printable.of(word), log10, oov ? "  (unknown: <unk>)" : "");
            total += log10;
            words++;
            unknown += oov ? 1 : 0;
        }
        double end = lm.endScore(state) / LN_10;
        out.printf(Locale.ROOT, "  %-24s %10.4f%n", "</s>", end);
        total += end;
        out.printf(Locale.ROOT, "  total log10 %.4f over %d words and </s>, %d unknown, perplexity %.2f%n", total,
                words, unknown, Math.pow(10, -total / (words + 1)));
    }
}
