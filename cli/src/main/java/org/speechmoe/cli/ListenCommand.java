package org.speechmoe.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.DataLine;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.TargetDataLine;
import org.speechmoe.runtime.api.AudioSource;
import org.speechmoe.runtime.api.LanguageModel;
import org.speechmoe.runtime.api.RecognizerOptions;
import org.speechmoe.runtime.api.SpeechMoeModel;
import org.speechmoe.runtime.api.StreamOptions;
import org.speechmoe.runtime.api.StreamingRecognizer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "listen", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Recognize speech from the microphone as it is spoken (Java Sound's default capture device, "
                + "16-bit mono): on a terminal the utterance in progress is shown on one line, and each utterance's "
                + "final text replaces it when it ends; otherwise (or with --format json) one line per final result, "
                + "and per partial one with --partial.",
                "Stop with Ctrl-C (the utterance in progress is finished first) or after --seconds."},
        footerHeading = "%n",
        footer = {"Exit status: 0 stopped; 1 no capture device, or the model failed; 2 wrong usage."})
final class ListenCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    EngineOptions engine;

    @CommandLine.Mixin
    ModelChoice modelChoice;

    @CommandLine.Mixin
    DecodingOptions decoding;

    @CommandLine.Mixin
    StreamingOptions streaming;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json",
            converter = OutputFormat.Converter.class, description = "text or json (JSON Lines) (default: "
            + "${DEFAULT-VALUE})")
    OutputFormat format;

    @Option(names = "--rate", defaultValue = "16000", paramLabel = "HZ",
            description = "the capture rate asked of the device (default: ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--seconds", paramLabel = "S", description = "stop after S seconds of audio")
    Double seconds;

    @Override
    public Integer call() throws Exception {
        if (format.isSubtitles()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "listen prints text or json, not "
                    + format.label());
        }
        StreamingOptions.requireRate(spec, rate);
        if (seconds != null && !(seconds > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seconds must be positive, got "
                    + seconds);
        }
        RecognizerOptions engineOptions = engine.recognizer(spec, RecognizerOptions.DEFAULT_BEAM_WIDTH);
        StreamOptions streamOptions = streaming.streamOptions(spec);
        AudioFormat wanted = new AudioFormat(rate, 16, 1, true, false);
        TargetDataLine line = openLine(wanted);
        try (SpeechMoeModel m = engine.open(modelChoice.model);
             LanguageModel lm = decoding.openLanguageModel(modelChoice.isDefault());
             StreamingRecognizer stream = StreamingOptions.newStream(m, decoding.apply(spec, engineOptions, lm),
                     streamOptions)) {
            return listen(line, stream);
        } finally {
            line.close();
        }
    }

    /**
     * The default capture line, opened and started.
     *
     * @throws IOException with one line saying why there is none
     */
    private static TargetDataLine openLine(AudioFormat format) throws IOException {
        DataLine.Info info = new DataLine.Info(TargetDataLine.class, format);
        if (!AudioSystem.isLineSupported(info)) {
            throw new IOException("no audio capture device: Java Sound finds no microphone that records "
                    + (int) format.getSampleRate() + " Hz 16-bit mono (check the device, or try another --rate)");
        }
        try {
            TargetDataLine line = (TargetDataLine) AudioSystem.getLine(info);
            line.open(format);
            line.start();
            return line;
        } catch (LineUnavailableException | IllegalArgumentException | SecurityException e) {
            throw new IOException("cannot open the audio capture device: " + e.getMessage());
        }
    }

    private int listen(TargetDataLine line, StreamingRecognizer stream) throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        boolean json = format == OutputFormat.JSON;
        boolean terminal = System.console() != null && !json;
        UtterancePrinter printer = new UtterancePrinter(out, json, streaming.partial || terminal, terminal, null);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            // Ctrl-C: the loop sees this after the block it is reading, finishes the utterance and prints it
            stop.set(true);
            try {
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "speechmoe-listen-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (AudioSource source = AudioSource.of(new AudioInputStream(line), "microphone")) {
            StreamFeeder.run(source, stream, streaming, printer,
                    () -> stop.get() || (seconds != null && stream.seconds() >= seconds) || out.checkError());
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waited for the latch above
            }
        }
        return 0;
    }
}
