package org.speechmoe.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.speechmoe.converter.ConversionReport;
import org.speechmoe.converter.Converter;
import org.speechmoe.format.DType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert a trained 3m-asr SpeechMoE model into one .smoe file.",
                "Every tensor is checked against the graph train.yaml describes; weight matrices are stored in",
                "--dtype, norms, biases, routers and CMVN stay f32."})
final class ConvertCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "train.yaml", description = "3m-asr training config")
    Path config;

    @Option(names = "--checkpoint", required = true, paramLabel = "final.pt",
            description = "PyTorch zip checkpoint (state_dict), or a .safetensors file with the same names")
    Path checkpoint;

    @Option(names = "--units", required = true, paramLabel = "units.txt", description = "token list")
    Path units;

    @Option(names = "--cmvn", required = true, paramLabel = "global_cmvn", description = "WeNet JSON CMVN stats")
    Path cmvn;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "model.smoe", description = "file to write")
    Path output;

    /** The help's list of types and the completions come from {@link DType}; a label can only be a constant. */
    @Option(names = "--dtype", defaultValue = "f32", paramLabel = "TYPE", completionCandidates = DTypeLabels.class,
            description = "stored type of the weight matrices: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})",
            converter = DTypeConverter.class)
    DType dtype;

    static final class DTypeLabels implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return DType.labels().iterator();
        }
    }

    static final class DTypeConverter implements CommandLine.ITypeConverter<DType> {
        @Override
        public DType convert(String value) {
            DType t = DType.fromLabel(value);
            if (t == null) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not one of " + String.join(", ", DType.labels()));
            }
            return t;
        }
    }

    @Override
    public Integer call() throws Exception {
        ConversionReport r = Converter.convert(new Converter.Request(config, checkpoint, units, cmvn, output, dtype));
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "converted %s (%s) -> %s%n", checkpoint, r.nnetProto(), r.output());
        out.printf(Locale.ROOT, "  tensors      %d%n", r.tensorCount());
        out.printf(Locale.ROOT, "  checkpoint   %s%n", Sizes.human(r.checkpointBytes()));
        out.printf(Locale.ROOT, "  f32 size     %s%n", Sizes.human(r.f32Bytes()));
        out.printf(Locale.ROOT, "  %-4s size    %s (%.1f%% of f32)%n", r.matrixType().label(),
                Sizes.human(r.fileBytes()), 100.0 * r.fileBytes() / r.f32Bytes());
        if (r.quantizedCount() > 0) {
            out.printf(Locale.ROOT, "  %d matrices stored as %s: relative RMS error mean %.3f%%, worst %.3f%% (%s)%n",
                    r.quantizedCount(), r.matrixType().label(), 100 * r.meanError(), 100 * r.worstError(),
                    r.worstTensor());
        }
        r.notes().forEach(n -> out.println("  note: " + n));
        out.flush();
        return 0;
    }
}
