package org.speechmoe.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.speechmoe.runtime.api.LanguageModel;
import org.speechmoe.runtime.api.Recognizer;
import org.speechmoe.runtime.api.RecognizerOptions;
import org.speechmoe.runtime.api.SpeechMoeModel;
import org.speechmoe.runtime.api.Transcript;

/**
 * What the module's tests share: one small local Spark (two task threads), and the transcripts the runtime gives
 * directly, with the options the CLI uses by default (the default language model) or greedy ones (none).
 */
final class TestSpark {
    /** The WAVs of the README's samples and of the command tests, as the CLI's tests take them. */
    static final Path SAMPLES = Path.of("..", "samples");
    static final Path COMMANDS = Path.of("..", "testdata", "commands");

    private static SparkSession session;
    private static SpeechMoeModel model;
    private static LanguageModel lm;
    private static final Map<String, Transcript> TRANSCRIPTS = new HashMap<>();

    private TestSpark() {
    }

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder().master("local[2]").appName("speechmoe-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.driver.host", "127.0.0.1")
                    .getOrCreate();
            session.sparkContext().setLogLevel("WARN");
        }
        return session;
    }

    /** The WAV files of a folder, sorted. */
    static List<Path> wavs(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".wav")).sorted().toList();
        }
    }

    /** The Recognizer's transcript of a file: with the CLI's default options, or greedy without a language model. */
    static synchronized Transcript direct(Path wav, boolean cliDefaults) {
        String key = wav.toAbsolutePath().normalize() + (cliDefaults ? "" : "#greedy");
        Transcript t = TRANSCRIPTS.get(key);
        if (t == null) {
            try {
                if (model == null) {
                    model = SpeechMoeModel.openDefault();
                    lm = LanguageModel.openDefault();
                }
                RecognizerOptions options = RecognizerOptions.defaults();
                try (Recognizer r = model.newRecognizer(cliDefaults ? options.withLanguageModel(lm) : options)) {
                    t = r.transcribe(wav);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            TRANSCRIPTS.put(key, t);
        }
        return t;
    }

    /** The local file a path from Spark ({@code file:/x}) names. */
    static Path local(String sparkPath) {
        return Path.of(java.net.URI.create(sparkPath));
    }
}
