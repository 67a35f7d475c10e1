package org.speechmoe.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.speechmoe.runtime.api.AudioSource;
import org.speechmoe.runtime.api.ParallelPlan;
import org.speechmoe.runtime.api.StreamOptions;
import org.speechmoe.runtime.api.StreamingRecognizer;
import org.speechmoe.runtime.api.Recognizer;
import org.speechmoe.runtime.api.LanguageModel;
import org.speechmoe.runtime.api.RecognizerOptions;
import org.speechmoe.runtime.api.Transcript;
import org.speechmoe.runtime.api.SpeechMoeModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "transcribe", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Transcribe audio files into text, JSON or subtitles: WAV, FLAC, MP3, Ogg Vorbis, AIFF and AU, "
                + "told by their content, not their name (Ogg Opus is refused).",
                "Each PATH is a file (always tried, whatever its name), - for standard input (read once, like any "
                        + "pipe or FIFO), or a directory, searched recursively for .wav, .wave, .flac, .mp3, .ogg, "
                        + ".oga, .aif, .aiff and .au files (any case; hidden files and folders skipped), taken in "
                        + "name order."},
        footerHeading = "%n",
        footer = {
                "Output, without --output-dir: stdout, in the order of the inputs",
                "  text      one line per file, starting with \"FILE: \" when there are several",
                "  json      JSON Lines: one object per file, each on one line",
                "  srt, vtt  one input only (several need --output-dir)",
                "With --output-dir DIR: one file per input, DIR/NAME.txt|json|srt|vtt, where",
                "  NAME is the stem of a file named explicitly (x/a.wav gives DIR/a.srt), and",
                "  the path under the directory for a file found in one (PATH d, d/x/a.wav",
                "  gives DIR/x/a.srt). Inputs that would write the same file are refused.",
                "  JSON files are indented. Each file is written under a temporary name and",
                "  renamed into place when complete: an interrupted run never leaves half a",
                "  file.",
                "JSON fields: file, text, words [{word, start, end, confidence}], tokens [{id,",
                "  token, start, end, probability}], expert_usage [{block, frames_per_expert,",
                "  mean_gate}], audio_seconds, compute_seconds, realtime_factor (seconds,",
                "  rounded to the millisecond).",
                "Subtitles: a cue ends at a pause of 0.5 s or more between words, before it",
                "  would last over 7 s, and before its text would need more than 2 lines of",
                "  42 characters (lines break between words, as evenly as possible). Cues are",
                "  numbered from 1. No words give an empty .srt, and a .vtt holding only its",
                "  WEBVTT header.",
                "Files run in parallel: min(threads, files) recognizers, each with",
                "  threads / recognizers kernel threads (a single file gets them all).",
                "A file that fails is one line on stderr, \"speechmoe: FILE: reason\"; the",
                "  others go on.",
                "Exit status: 0 all transcribed; 1 a file, directory or the model failed;",
                "  2 wrong usage."})
final class TranscribeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    EngineOptions engine;

    @CommandLine.Mixin
    ModelChoice modelChoice;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "audio files, - (standard input) and directories of audio files")
    List<Path> paths;

    @Option(names = "--format", defaultValue = "text", paramLabel = "text|json|srt|vtt",
            converter = OutputFormat.Converter.class,
            description = "text, json (JSON Lines), srt (SubRip) or vtt (WebVTT) (default: ${DEFAULT-VALUE})")
    OutputFormat format;

    @Option(names = "--output-dir", paramLabel = "DIR",
            description = "write one file per input under DIR instead of stdout (created if missing)")
    Path outputDir;

    @CommandLine.Mixin
    DecodingOptions decoding;

    @Option(names = "--stream", description = {"recognize the audio as it arrives, cut into utterances at pauses: a "
            + "line (or JSON line) per utterance as soon as it ends (docs/STREAMING.md)"})
    boolean stream;

    @Option(names = "--rate", paramLabel = "HZ", description = "with --stream and -: standard input is raw signed "
            + "16-bit little-endian mono PCM at this rate, not an audio file")
    Integer rawRate;

    @CommandLine.Mixin
    StreamingOptions streaming;

    @Option(names = "--progress", negatable = true,
            description = {"show (or, with --no-progress, never show) a progress line on stderr.",
                    "Default: shown when stderr is a terminal and there are several files or one of 30 s or more"})
    Boolean progress;

    /** How one input ended: {@code rendered} output, or an {@code error} reason. */
    private record Outcome(String rendered, String error, double audioSeconds) {
    }

    @Override
    public Integer call() throws Exception {
        RecognizerOptions engineOptions = engine.recognizer(spec, RecognizerOptions.DEFAULT_BEAM_WIDTH);
        StreamOptions streamOptions = stream ? streaming.streamOptions(spec) : null;
        if (!stream && (streaming.partial || rawRate != null)) {
            throw usage((streaming.partial ? "--partial" : "--rate") + " needs --stream");
        }
        if (stream && (format.isSubtitles() || outputDir != null)) {
            throw usage("--stream prints text or JSON lines as utterances end: it takes neither --format "
                    + format.label() + " nor --output-dir");
        }
        if (rawRate != null) {
            StreamingOptions.requireRate(spec, rawRate);
        }
        if (rawRate != null && !paths.equals(List.of(Path.of(AudioInputs.STDIN)))) {
            throw usage("--rate describes raw PCM on standard input: give - as the only PATH");
        }
        AudioInputs.Expansion expansion = AudioInputs.expand(paths);
        List<AudioInputs.Input> inputs = expansion.inputs();
        if (format.isSubtitles() && outputDir == null && inputs.size() > 1) {
            throw usage("--format " + format.label() + " writes one subtitle file per input: add --output-dir DIR "
                    + "for these " + inputs.size() + " files");
        }
        if (outputDir != null) {
            if (Files.exists(outputDir) && !Files.isDirectory(outputDir)) {
                throw usage("--output-dir " + outputDir + " is a file; name a directory (created if missing)");
            }
            String collision = AudioInputs.collision(inputs, outputDir, format);
            if (collision != null) {
                throw usage(collision);
            }
            String unwritable = unwritable(outputDir);
            if (unwritable != null) {
                throw new IOException(unwritable);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (inputs.isEmpty()) {
            expansion.problems().forEach(p -> err.println(SpeechMoeCli.message(p)));
            err.flush();
            return SpeechMoeCli.EXIT_FAILED;
        }
        try (SpeechMoeModel m = engine.open(modelChoice.model); LanguageModel lm = decoding.openLanguageModel(modelChoice.isDefault())) {
            RecognizerOptions options = decoding.apply(spec, engineOptions, lm);
            return stream ? stream(m, options, streamOptions, inputs, expansion.problems(), out, err)
                    : run(m, options, inputs, expansion.problems(), out, err);
        }
    }

    private int run(SpeechMoeModel m, RecognizerOptions options, List<AudioInputs.Input> inputs,
                    List<String> problems, PrintWriter out, PrintWriter err) throws IOException {
        int n = inputs.size();
        ParallelPlan plan = options.planFor(n);
        int workers = plan.recognizers();
        List<Recognizer> recognizers = new ArrayList<>();
        try {
            for (int w = 0; w < workers; w++) {
                recognizers.add(m.newRecognizer(plan.each()));
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
        }
        double[] estimated = inputs.stream().mapToDouble(i -> AudioInputs.estimateSeconds(i.path())).toArray();
        double longest = 0;
        double sum = 0;
        for (double e : estimated) {
            longest = Math.max(longest, e);
            sum += e;
        }
        boolean show = Progress.shouldShow(progress, progress == null && Progress.stderrIsTerminal(), n, longest);
        List<CompletableFuture<Outcome>> results = new ArrayList<>();
        inputs.forEach(i -> results.add(new CompletableFuture<>()));
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        int failures = problems.size();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "speechmoe-transcribe");
            t.setDaemon(true);
            return t;
        });
        try (Progress status = new Progress(err, show, n, sum, System::nanoTime)) {
            problems.forEach(p -> status.print(err, SpeechMoeCli.message(p) + "\n"));
            status.start();
            for (Recognizer r : recognizers) {
                pool.execute(() -> {
                    for (int i = next.getAndIncrement(); i < n && !stop.get(); i = next.getAndIncrement()) {
                        Outcome o = transcribe(r, inputs.get(i), n > 1, err);
                        try {
                            status.fileDone(o.audioSeconds(), estimated[i], o.error() == null);
                        } finally {
                            results.get(i).complete(o);
                        }
                    }
                });
            }
            for (int i = 0; i < n; i++) {
                AudioInputs.Input input = inputs.get(i);
                Outcome o = results.get(i).join();
                if (o.error() != null) {
                    failures++;
                    status.print(err, SpeechMoeCli.message(input.name() + ": " + o.error()) + "\n");
                } else if (outputDir != null) {
                    Path target = input.output(outputDir, format);
                    try {
                        AtomicOutput.write(target, o.rendered());
                    } catch (IOException e) {
                        failures++;
                        status.print(err, SpeechMoeCli.message(input.name() + ": cannot write " + target + ": "
                                + reason(e, target.toString())) + "\n");
                    }
                } else {
                    status.print(out, o.rendered());
                    if (out.checkError()) {
                        // stdout was closed (e.g. piped into head): nobody reads the rest
                        return SpeechMoeCli.EXIT_FAILED;
                    }
                }
            }
        } finally {
            stop.set(true);
            pool.shutdown();
            try {
                // the model is closed after this method: no recognizer may still be reading it
                while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
                    // a worker finishes the file it is on
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            recognizers.forEach(Recognizer::close);
        }
        return failures > 0 ? SpeechMoeCli.EXIT_FAILED : 0;
    }

    /** Each input as a stream of its own, one after the other, printing utterances as they end. */
    private int stream(SpeechMoeModel m, RecognizerOptions options, StreamOptions streamOptions,
                       List<AudioInputs.Input> inputs, List<String> problems, PrintWriter out, PrintWriter err)
            throws IOException {
        problems.forEach(p -> err.println(SpeechMoeCli.message(p)));
        err.flush();
        int failures = problems.size();
        boolean json = format == OutputFormat.JSON;
        StreamingOptions.newStream(m, options, streamOptions).close();
        for (AudioInputs.Input input : inputs) {
            UtterancePrinter printer = new UtterancePrinter(out, json, streaming.partial, false,
                    json || inputs.size() > 1 ? input.name() : null);
            try (StreamingRecognizer s = m.newStream(options, streamOptions); AudioSource source = open(input)) {
                StreamFeeder.run(source, s, streaming, printer, out::checkError);
            } catch (Exception e) {
                failures++;
                if (System.getenv("SPEECHMOE_DEBUG") != null) {
                    e.printStackTrace(err);
                }
                err.println(SpeechMoeCli.message(input.name() + ": " + reason(e, input.path().toString())));
                err.flush();
            }
            if (out.checkError()) {
                return SpeechMoeCli.EXIT_FAILED;
            }
        }
        return failures > 0 ? SpeechMoeCli.EXIT_FAILED : 0;
    }

    private AudioSource open(AudioInputs.Input input) throws IOException {
        if (!AudioInputs.isStdin(input.path())) {
            return AudioSource.open(input.path());
        }
        return rawRate == null ? AudioSource.open(System.in, AudioInputs.STDIN)
                : AudioSource.rawPcm16(System.in, rawRate, AudioInputs.STDIN);
    }

    private Outcome transcribe(Recognizer r, AudioInputs.Input input, boolean several, PrintWriter err) {
        try {
            Transcript t = AudioInputs.isStdin(input.path()) ? r.transcribe(System.in, AudioInputs.STDIN)
                    : r.transcribe(input.path());
            return new Outcome(render(input, t, several), null, t.audioSeconds());
        } catch (Throwable e) {
            if (System.getenv("SPEECHMOE_DEBUG") != null) {
                synchronized (err) {
                    e.printStackTrace(err);
                }
            }
            return new Outcome(null, reason(e, input.path().toString()), 0);
        }
    }

    private String render(AudioInputs.Input input, Transcript t, boolean several) {
        boolean toFile = outputDir != null;
        return switch (format) {
            case TEXT -> toFile || !several ? t.text() + "\n"
                    : input.name() + ":" + (t.text().isEmpty() ? "" : " " + t.text()) + "\n";
            case JSON -> toFile ? TranscriptJson.document(input.name(), t) : TranscriptJson.line(input.name(), t)
                    + "\n";
            case SRT -> Subtitles.srt(Cues.build(t.words(), Cues.Rules.DEFAULT));
            case VTT -> Subtitles.vtt(Cues.build(t.words(), Cues.Rules.DEFAULT));
        };
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /**
     * Why nothing can be written under {@code dir}, checked before any work: {@code dir}, or the nearest folder above
     * it that exists (where it would be created), cannot be written to; null if it can.
     */
    static String unwritable(Path dir) {
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || Files.isWritable(existing)) {
            return null;
        }
        String why = "permission denied or a read-only file system";
        return existing.equals(dir.toAbsolutePath())
                ? "cannot write to --output-dir " + dir + " (" + why + ")"
                : "cannot create --output-dir " + dir + ": " + existing + " is not writable (" + why + ")";
    }

    /** Why reading or writing {@code name} failed, in one line that does not repeat the name. */
    static String reason(Throwable e, String name) {
        String r = switch (e) {
            case NoSuchFileException x -> "no such file";
            case AccessDeniedException x -> "permission denied";
            case FileSystemException x when x.getReason() != null -> x.getReason();
            case OutOfMemoryError x -> "out of memory: the recording is too long for the Java heap (use fewer "
                    + "--threads, or give the JVM more memory with -Xmx)";
            case IOException x when x.getMessage() != null -> x.getMessage();
            case Exception x -> SpeechMoeCli.describe(x);
            default -> "internal error: " + e + " (please report it; SPEECHMOE_DEBUG=1 shows the trace)";
        };
        String prefix = name + ": ";
        return r.startsWith(prefix) ? r.substring(prefix.length()) : r;
    }
}
