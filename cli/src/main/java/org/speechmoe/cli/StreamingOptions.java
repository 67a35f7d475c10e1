package org.speechmoe.cli;

import java.io.IOException;
import org.speechmoe.runtime.api.RecognizerOptions;
import org.speechmoe.runtime.api.SpeechMoeModel;
import org.speechmoe.runtime.api.StreamOptions;
import org.speechmoe.runtime.api.StreamingRecognizer;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The options of recognition as audio arrives: block size, partial results and endpoint rules. */
final class StreamingOptions {
    @Option(names = "--chunk-ms", defaultValue = "100", paramLabel = "N",
            description = "feed the audio in blocks of N milliseconds, 10 to 10000 (default: ${DEFAULT-VALUE})")
    int chunkMs;

    @Option(names = "--partial", description = "also print partial results of the utterance in progress")
    boolean partial;

    @Option(names = "--partial-interval", defaultValue = "0.5", paramLabel = "S",
            description = "seconds of audio between partial results (default: ${DEFAULT-VALUE})")
    double partialInterval;

    @Option(names = "--endpoint-silence", defaultValue = "1.2", paramLabel = "S",
            description = "seconds of silence after speech that end an utterance (default: ${DEFAULT-VALUE})")
    double silenceAfterSpeech;

    @Option(names = "--max-utterance", defaultValue = "20", paramLabel = "S",
            description = "seconds after which an utterance ends whatever is in it, at most 30 (default: "
                    + "${DEFAULT-VALUE})")
    double maxUtterance;

    @Option(names = "--chunk-size", paramLabel = "N", description = {"a causal model: decode chunks of N output "
            + "frames (40 ms each) exactly; default: the model's own, else 16. A full-context model is refused: it "
            + "streams approximately (docs/STREAMING.md)"})
    Integer chunkSize;

    @Option(names = "--left-chunks", paramLabel = "M", description = "with a causal model: attend to M earlier chunks "
            + "(default: enough to span --max-utterance)")
    Integer leftChunks;

    /** The stream options these flags ask for; a value out of range is a usage error naming its flag. */
    StreamOptions streamOptions(CommandLine.Model.CommandSpec spec) {
        if (chunkMs < 10 || chunkMs > 10_000) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--chunk-ms must be from 10 to 10000, got " + chunkMs);
        }
        StreamOptions o = StreamOptions.defaults();
        try {
            o = o.withPartialInterval(partialInterval);
        } catch (IllegalArgumentException e) {
            throw usage(spec, "--partial-interval", e);
        }
        try {
            o = o.withSilenceAfterSpeech(silenceAfterSpeech);
        } catch (IllegalArgumentException e) {
            throw usage(spec, "--endpoint-silence", e);
        }
        try {
            o = o.withMaxUtterance(maxUtterance);
        } catch (IllegalArgumentException e) {
            throw usage(spec, "--max-utterance", e);
        }
        if (chunkSize != null && chunkSize < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--chunk-size must be at least 1 frame, got "
                    + chunkSize);
        }
        if (leftChunks != null && leftChunks < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--left-chunks must be 0 or more, got "
                    + leftChunks);
        }
        return o.withChunkSize(chunkSize == null ? StreamOptions.AUTO : chunkSize)
                .withLeftChunks(leftChunks == null ? StreamOptions.SPAN_UTTERANCE : leftChunks);
    }

    /**
     * A stream of {@code model}; a chunk size that a full-context model cannot decode is the model's failure, one
     * line with exit status 1.
     */
    static StreamingRecognizer newStream(SpeechMoeModel model, RecognizerOptions options, StreamOptions streamOptions)
            throws IOException {
        try {
            return model.newStream(options, streamOptions);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** A {@code --rate} the runtime reads, or a usage error. */
    static void requireRate(CommandLine.Model.CommandSpec spec, int rate) {
        if (rate < 4000 || rate > 384_000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rate must be from 4000 to 384000 Hz, got "
                    + rate);
        }
    }

    /** Samples a block holds at {@code sampleRate}. */
    int blockSamples(int sampleRate) {
        return Math.max(1, (int) ((long) sampleRate * chunkMs / 1000));
    }

    private static CommandLine.ParameterException usage(CommandLine.Model.CommandSpec spec, String flag,
                                                        IllegalArgumentException e) {
        return new CommandLine.ParameterException(spec.commandLine(), flag + ": " + e.getMessage());
    }
}
