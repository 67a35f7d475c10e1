package org.speechmoe.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.speechmoe.format.DType;
import org.speechmoe.format.Metadata;
import org.speechmoe.format.Shapes;
import org.speechmoe.format.SmoeFile;
import org.speechmoe.format.TensorInfo;
import org.speechmoe.format.graph.GraphConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Show a .smoe model: hyper-parameters, vocabulary, tensors, sizes.",
                "The header checksum is always checked; --verify checks every tensor's checksum too."})
final class InspectCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "model.smoe")
    Path model;

    @Option(names = "--verify", description = "recompute every tensor's CRC32C (reads the whole file)")
    boolean verify;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (SmoeFile f = SmoeFile.open(model)) {
            Metadata m = f.metadata();
            out.printf(Locale.ROOT, "%s: .smoe version %s, %s, %d tensors, header checksum ok%n", model, f.version(),
                    Sizes.human(f.fileSize()), f.tensors().size());
            out.println();
            out.println("metadata");
            for (String key : m.keys()) {
                if (!key.equals("tokens")) {
                    out.printf(Locale.ROOT, "  %-32s %s%n", Printable.of(key), Printable.of(m.display(key)));
                }
            }
            if (m.contains("tokens") && m.type("tokens") == Metadata.Type.STRING_ARRAY) {
                List<String> tokens = m.getStringList("tokens");
                out.printf(Locale.ROOT, "  %-32s %d tokens: %s%n", "vocabulary", tokens.size(),
                        Printable.of(m.display("tokens")));
            }
            try {
                GraphConfig.fromMetadata(m, model.toString());
            } catch (Exception e) {
                out.println("  (not a SpeechMoE graph this version can run: " + Printable.of(e.getMessage()) + ")");
            }
            out.println();
            out.printf(Locale.ROOT, "%-60s %-5s %-18s %12s %12s%s%n", "tensor", "dtype", "shape", "bytes", "offset",
                    verify ? "  crc32c" : "");
            Map<DType, long[]> totals = new EnumMap<>(DType.class);
            int bad = 0;
            for (TensorInfo t : f.tensors()) {
                String check = "";
                if (verify) {
                    boolean ok = f.verify(t);
                    bad += ok ? 0 : 1;
                    check = ok ? "  ok" : "  MISMATCH";
                }
                out.printf(Locale.ROOT, "%-60s %-5s %-18s %12d %12d%s%n", Printable.of(t.name()), t.dtype().label(),
                        Shapes.format(t.shape()), t.byteLength(), t.offset(), check);
                long[] tot = totals.computeIfAbsent(t.dtype(), k -> new long[3]);
                tot[0]++;
                tot[1] += t.byteLength();
                tot[2] += t.elementCount();
            }
            out.println();
            totals.forEach((dt, tot) -> out.printf(Locale.ROOT, "  %-5s %5d tensors %12d values %12s%n", dt.label(),
                    tot[0], tot[2], Sizes.human(tot[1])));
            out.flush();
            if (verify) {
                if (bad > 0) {
                    spec.commandLine().getErr().printf(Locale.ROOT, "speechmoe: %s: %d of %d tensors fail their"
                            + " checksum: the file is damaged%n", model, bad, f.tensors().size());
                    return SpeechMoeCli.EXIT_FAILED;
                }
                out.printf(Locale.ROOT, "all %d tensor checksums match%n", f.tensors().size());
            }
        }
        return 0;
    }
}
