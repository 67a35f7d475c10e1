package org.speechmoe.cli;

import org.speechmoe.runtime.api.RecognizerOptions;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The options every command that runs the model shares: how many threads, which kernels, which device. */
final class EngineOptions {
    @Option(names = "--threads", paramLabel = "N", description = "threads in all (default: all processors)")
    Integer threads;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|vector|scalar",
            description = "kernels to run on (default: ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|gpu",
            description = "where the routed experts run: cpu, or gpu through TornadoVM (needs a -Ptornado build "
                    + "and TORNADOVM_HOME; default: ${DEFAULT-VALUE})")
    String device;

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
