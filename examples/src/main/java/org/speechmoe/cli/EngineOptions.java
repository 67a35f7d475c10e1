package org.speechmoe.cli;

import org.speechmoe.runtime.api.RecognizerOptions;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The options every command that runs the model shares: how many threads, which kernels. */
final class EngineOptions {
    @Option(names = "--threads", paramLabel = "N", description = "threads in all (default: all processors)")
    Integer threads;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|vector|scalar",
            description = "kernels to run on (default: ${DEFAULT-VALUE})")
    String backend;

    /** Recognizer options with beam width {@code beam}; bad values are usage errors of {@code spec}'s command. */
    RecognizerOptions recognizer(CommandLine.Model.CommandSpec spec, int beam) {
        try {
            RecognizerOptions o = RecognizerOptions.defaults().withBeamWidth(beam).withBackend(backend);
            return threads == null ? o : o.withThreads(threads);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
