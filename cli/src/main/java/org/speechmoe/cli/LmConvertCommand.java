package org.speechmoe.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.speechmoe.format.lm.ArpaReader;
import org.speechmoe.format.lm.BackoffModel;
import org.speechmoe.format.lm.SmlmWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert an ARPA language model into an .smlm file, which decoders map and query in place.",
                "The ARPA file may be gzip-compressed, and laid out as SRILM, KenLM, IRSTLM or the CMU toolkit write "
                        + "it. A file that breaks the rules (docs/FORMAT.md, \"ARPA import\") is refused in one "
                        + "line naming the line; the output appears only when it is complete."})
final class LmConvertCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "model.arpa", description = "ARPA file, plain or gzip-compressed (.arpa.gz)")
    Path arpa;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "model.smlm", description = "file to write")
    Path output;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(output) && Files.exists(arpa) && Files.isSameFile(arpa, output)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "the output " + output
                    + " is the ARPA file itself: write the .smlm file elsewhere");
        }
        long start = System.nanoTime();
        BackoffModel model = ArpaReader.read(arpa);
        long size = SmlmWriter.write(model, output);
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] counts = model.counts();
        StringBuilder orders = new StringBuilder();
        for (int n = 1; n <= counts.length; n++) {
            orders.append(n == 1 ? "" : ", ").append(n).append("-grams ").append(counts[n - 1]);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "converted %s -> %s: %d-gram model, %s, %s, %.1f s%n", Printable.of(arpa.toString()),
                Printable.of(output.toString()), model.order(), orders, Sizes.human(size), seconds);
        if (model.metadata().getBoolean("lm.unk_added")) {
            out.printf(Locale.ROOT, "  note: the ARPA file has no <unk>; it was added with log10 probability %s%n",
                    ArpaReader.MISSING_UNKNOWN_LOG10_PROB);
        }
        out.flush();
        return 0;
    }
}
