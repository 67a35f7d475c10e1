package org.speechmoe.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code -m} option of the commands that recognize speech: a model file, or the embedded default model. */
final class ModelChoice {
    @Option(names = {"-m", "--model"}, paramLabel = "model.smoe",
            description = "the model (default: the model built into this speechmoe, if it has one)")
    Path model;

    /** Whether the embedded default model is meant, which brings its own language model. */
    boolean isDefault() {
        return model == null;
    }
}
