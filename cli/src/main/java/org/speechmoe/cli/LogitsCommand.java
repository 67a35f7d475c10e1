package org.speechmoe.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.speechmoe.runtime.api.Logits;
import org.speechmoe.runtime.api.Recognizer;
import org.speechmoe.runtime.api.RecognizerOptions;
import org.speechmoe.format.Npy;
import org.speechmoe.runtime.api.SpeechMoeModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "logits", mixinStandardHelpOptions = true,
        description = {"Write the CTC log-probabilities (and the experts' routes) of one recording as .npy files,",
                "to compare with other implementations such as the PyTorch reference."})
final class LogitsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    EngineOptions engine;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "model.smoe")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "logp.npy",
            description = "float32 (frames, vocab) log-probabilities")
    Path out;

    @Option(names = "--routes", paramLabel = "routes.npy", description = "int32 (blocks, frames) chosen experts")
    Path routes;

    @Option(names = "--chunk-size", paramLabel = "N", description = {"decode chunk by chunk, N output frames (40 ms)"
            + " each, as a stream does: exact for causal models only (causal: true); the result equals the full pass"
            + " with attention masked to each chunk and the chunks before it"})
    Integer chunkSize;

    @Option(names = "--left-chunks", paramLabel = "M", description = "with --chunk-size: attend to the M chunks"
            + " before each chunk only (default: all)")
    Integer leftChunks;

    @Parameters(index = "0", paramLabel = "audio.wav")
    Path audio;

    @Override
    public Integer call() throws Exception {
        RecognizerOptions options = engine.recognizer(spec, 1);
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
        try (SpeechMoeModel m = engine.open(model); Recognizer r = m.newRecognizer(options)) {
            if (chunkSize != null && !m.config().streamable()) {
                spec.commandLine().getErr().println(SpeechMoeCli.message(model + ": a full-context model (causal:"
                        + " false) cannot be decoded chunk by chunk exactly; drop --chunk-size"));
                return SpeechMoeCli.EXIT_FAILED;
            }
            Logits l = chunkSize == null ? r.logits(audio)
                    : r.logits(audio, chunkSize, leftChunks == null ? -1 : leftChunks);
            Npy.writeFloat32(out, new int[] {l.frames(), l.vocab()}, l.logProbs());
            if (routes != null) {
                Npy.writeInt32(routes, new int[] {l.blocks(), l.frames()}, l.routes());
            }
            PrintWriter w = spec.commandLine().getOut();
            w.printf(Locale.ROOT, "%s: %d frames x %d tokens%s -> %s%s%n", audio, l.frames(), l.vocab(),
                    chunkSize == null ? "" : " in chunks of " + chunkSize + (leftChunks == null ? ""
                            : " (" + leftChunks + " left)"), out,
                    routes == null ? "" : ", routes of " + l.blocks() + " blocks -> " + routes);
            w.flush();
        }
        return 0;
    }
}
