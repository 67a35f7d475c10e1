package org.speechmoe.cli;

import org.speechmoe.runtime.api.RecognizerOptions;
import picocli.CommandLine;

/** Turns the shared command-line options into runtime options, refusing bad values as usage errors. */
final class Options {
    private Options() {
    }

    static RecognizerOptions recognizer(CommandLine.Model.CommandSpec spec, int beam, Integer threads,
                                        String backend) {
        RecognizerOptions o = RecognizerOptions.defaults();
        try {
            o = o.withBeamWidth(beam).withBackend(backend);
            return threads == null ? o : o.withThreads(threads);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
