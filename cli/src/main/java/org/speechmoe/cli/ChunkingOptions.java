package org.speechmoe.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.speechmoe.runtime.api.Logits;
import org.speechmoe.runtime.api.Recognizer;
import org.speechmoe.runtime.api.SpeechMoeModel;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --chunk-size} and {@code --left-chunks}: recognition chunk by chunk, as a stream of a causal model runs. */
final class ChunkingOptions {
    @Option(names = "--chunk-size", paramLabel = "N", description = {"decode chunk by chunk, N output frames (40 ms)"
            + " each, as a stream does: exact for causal models only (causal: true); the result equals the full pass"
            + " with attention masked to each chunk and the chunks before it"})
    Integer chunkSize;

    @Option(names = "--left-chunks", paramLabel = "M", description = "with --chunk-size: attend to the M chunks"
            + " before each chunk only (default: all)")
    Integer leftChunks;

    /** Refuses inconsistent values and a full-context model, in one line each. */
    void check(CommandLine.Model.CommandSpec spec) {
        if (chunkSize == null && leftChunks != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--left-chunks needs --chunk-size");
        }
        if (chunkSize != null && chunkSize < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--chunk-size must be at least 1, got "
                    + chunkSize);
        }
        if (leftChunks != null && leftChunks < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--left-chunks must not be negative, got "
                    + leftChunks);
        }
    }

    /** Whether the model can run chunk by chunk as asked; prints why not. */
    boolean supportedBy(CommandLine.Model.CommandSpec spec, SpeechMoeModel model, Path modelPath) {
        if (chunkSize != null && !model.config().streamable()) {
            spec.commandLine().getErr().println(SpeechMoeCli.message((modelPath == null ? "the model" : modelPath)
                    + ": a full-context model (causal: false) cannot be decoded chunk by chunk exactly; drop"
                    + " --chunk-size"));
            return false;
        }
        return true;
    }

    Logits logits(Recognizer recognizer, Path audio) throws IOException {
        return chunkSize == null ? recognizer.logits(audio)
                : recognizer.logits(audio, chunkSize, leftChunks == null ? -1 : leftChunks);
    }

    /** " in chunks of N (M left)", or nothing at full context. */
    String describe() {
        return chunkSize == null ? "" : " in chunks of " + chunkSize + (leftChunks == null ? "" : " (" + leftChunks
                + " left)");
    }
}
