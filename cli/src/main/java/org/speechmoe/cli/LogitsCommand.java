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

    @CommandLine.Mixin
    ChunkingOptions chunking;

    @Parameters(index = "0", paramLabel = "audio.wav")
    Path audio;

    @Override
    public Integer call() throws Exception {
        RecognizerOptions options = engine.recognizer(spec, 1);
        chunking.check(spec);
        try (SpeechMoeModel m = engine.open(model); Recognizer r = m.newRecognizer(options)) {
            if (!chunking.supportedBy(spec, m, model)) {
                return SpeechMoeCli.EXIT_FAILED;
            }
            Logits l = chunking.logits(r, audio);
            Npy.writeFloat32(out, new int[] {l.frames(), l.vocab()}, l.logProbs());
            if (routes != null) {
                Npy.writeInt32(routes, new int[] {l.blocks(), l.frames()}, l.routes());
            }
            PrintWriter w = spec.commandLine().getOut();
            w.printf(Locale.ROOT, "%s: %d frames x %d tokens%s -> %s%s%n", audio, l.frames(), l.vocab(),
                    chunking.describe(), out,
                    routes == null ? "" : ", routes of " + l.blocks() + " blocks -> " + routes);
            w.flush();
        }
        return 0;
    }
}
