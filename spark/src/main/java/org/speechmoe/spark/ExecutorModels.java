package org.speechmoe.spark;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.speechmoe.runtime.api.LanguageModel;
import org.speechmoe.runtime.api.Recognizer;
import org.speechmoe.runtime.api.SpeechMoeModel;

/**
 * The models of this JVM (an executor's, or the driver's in local mode): each model and language model file opened
 * once, memory-mapped and shared by every task thread, and closed when the JVM shuts down; one recognizer per task
 * thread and settings, kept by the thread for its later tasks (executors reuse their task threads).
 */
final class ExecutorModels {
    /** Open models by file; {@code ""} is the default model. */
    private static final Map<String, SpeechMoeModel> MODELS = new HashMap<>();
    /** Open language models by file; {@code ""} is the default one. */
    private static final Map<String, LanguageModel> LANGUAGE_MODELS = new HashMap<>();
    private static final ThreadLocal<Map<DecodingSettings, Recognizer>> RECOGNIZERS =
            ThreadLocal.withInitial(HashMap::new);
    private static boolean hookAdded;

    private ExecutorModels() {
    }

    /** This thread's recognizer for {@code settings}, opening the models on the JVM's first use. */
    static Recognizer recognizer(DecodingSettings settings) throws IOException {
        Map<DecodingSettings, Recognizer> mine = RECOGNIZERS.get();
        Recognizer r = mine.get(settings);
        if (r == null) {
            SpeechMoeModel model = model(settings);
            r = model.newRecognizer(settings.options(languageModel(settings)));
            mine.put(settings, r);
        }
        return r;
    }

    /**
     * Opens the models {@code settings} name in this JVM, if not open yet.
     *
     * @throws IOException one line: "cannot open the model FILE: reason" (or the language model)
     */
    static void open(DecodingSettings settings) throws IOException {
        model(settings);
        languageModel(settings);
    }

    private static SpeechMoeModel model(DecodingSettings settings) throws IOException {
        return shared(MODELS, settings.model(), "model",
                f -> f.isEmpty() ? SpeechMoeModel.openDefault() : SpeechMoeModel.open(Path.of(f)));
    }

    private static LanguageModel languageModel(DecodingSettings settings) throws IOException {
        String file = settings.languageModelFile();
        return file == null ? null
                : shared(LANGUAGE_MODELS, file, "language model", DecodingSettings::openLanguageModel);
    }

    /** How a file of one kind is opened. */
    private interface Opener<T> {
        T open(String file) throws IOException;
    }

    /** The open model of {@code file} in {@code open}, opening it on first use. */
    private static synchronized <T> T shared(Map<String, T> open, String file, String what, Opener<T> opener)
            throws IOException {
        T m = open.get(file);
        if (m == null) {
            closeAtShutdown();
            try {
                m = opener.open(file);
            } catch (IOException e) {
                String reason = e instanceof NoSuchFileException ? "no such file" : e.getMessage();
                throw new IOException("cannot open the " + what + " " + (file.isEmpty() ? "(the default one)" : file)
                        + ": " + reason, e);
            }
            open.put(file, m);
        }
        return m;
    }

    private static void closeAtShutdown() {
        if (!hookAdded) {
            Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "speechmoe-close-models"));
            hookAdded = true;
        }
    }

    private static synchronized void closeAll() {
        MODELS.values().forEach(SpeechMoeModel::close);
        LANGUAGE_MODELS.values().forEach(LanguageModel::close);
        MODELS.clear();
        LANGUAGE_MODELS.clear();
    }
}
