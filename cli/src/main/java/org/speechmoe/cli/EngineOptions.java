package org.speechmoe.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.speechmoe.runtime.api.ModelOptions;
import org.speechmoe.runtime.api.RecognizerOptions;
import org.speechmoe.runtime.api.SpeechMoeModel;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options every command that runs the model shares: how many threads, which kernels, which device, and whether
 * the model's checksums are checked.
 */
final class EngineOptions {
    @Option(names = "--no-verify", description = "skip the model's tensor checksums (for a file checked before, e.g. "
            + "with inspect --verify; the header's checksum is always checked)")
    boolean noVerify;

    @Option(names = "--threads", paramLabel = "N", description = "threads in all (default: all processors)")
    Integer threads;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|vector|scalar",
            description = "kernels to run on (default: ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|gpu",
            description = "where the routed experts run: cpu, or gpu through TornadoVM (needs a -Ptornado build "
                    + "and TORNADOVM_HOME; default: ${DEFAULT-VALUE})")
    String device;

    /**
     * The model checked before it is used: every tensor's checksum when it opens (one refusal naming the damaged
     * tensor, before any input), or none with {@code --no-verify}.
     */
    SpeechMoeModel open(Path model) throws IOException {
        ModelOptions o = ModelOptions.defaults().withVerification(noVerify ? ModelOptions.Verification.OFF
                : ModelOptions.Verification.AT_OPEN);
        return model == null ? SpeechMoeModel.openDefault(o) : SpeechMoeModel.open(model, o);
    }

    /** Recognizer options with beam width {@code beam}; bad values are usage errors of {@code spec}'s command. */
    RecognizerOptions recognizer(CommandLine.Model.CommandSpec spec, int beam) {
        try {
            RecognizerOptions o = RecognizerOptions.defaults().withBeamWidth(beam).withBackend(backend).withDevice(device);
            return threads == null ? o : o.withThreads(threads);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
