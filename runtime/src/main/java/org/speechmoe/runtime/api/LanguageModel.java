package org.speechmoe.runtime.api;

import java.io.IOException;
import java.nio.file.Path;
import org.speechmoe.format.ModelFormatException;
import org.speechmoe.format.lm.NgramModel;
import org.speechmoe.format.lm.SmlmFile;

/**
 * A word n-gram language model opened from a {@code .smlm} file ({@code speechmoe lm convert} makes one from ARPA):
 * opened once, immutable, shared by any number of recognizers and threads, like {@link SpeechMoeModel}. The file is
 * memory-mapped, not read onto the heap. Give it to recognizers with
 * {@link RecognizerOptions#withLanguageModel(LanguageModel)}. Closing it unmaps the file: recognizers that use it then
 * throw {@link IllegalStateException}. Closing twice does nothing more.
 */
public final class LanguageModel implements AutoCloseable {
    private final SmlmFile file;
    private volatile boolean closed;

    private LanguageModel(SmlmFile file) {
        this.file = file;
    }

    /**
     * Opens and checks a language model file (header and section checksums, structure).
     *
     * @param path the {@code .smlm} file
     * @return the open model, to be closed by the caller
     * @throws ModelFormatException when the file is not a usable language model; the message names the problem
     * @throws IOException          when the file cannot be read
     */
    public static LanguageModel open(Path path) throws IOException {
        return new LanguageModel(SmlmFile.open(path));
    }

    /**
     * Opens the English language model that goes with the default model, embedded in the same artifact.
     *
     * @return the open model, to be closed by the caller
     * @throws NoDefaultModelException when the build embeds none
     * @throws IOException             when it cannot be extracted to the cache or read
     */
    public static LanguageModel openDefault() throws IOException {
        return open(DefaultModel.locate(LanguageModel.class.getClassLoader(), DefaultModel.LM_RESOURCE,
                "default language model"));
    }

    /**
     * Whether this build embeds a default language model.
     *
     * @return true when {@link #openDefault()} finds one
     */
    public static boolean hasDefault() {
        return LanguageModel.class.getClassLoader().getResource(DefaultModel.LM_RESOURCE) != null;
    }

    /**
     * The longest n-gram the model holds.
     *
     * @return its order
     */
    public int order() {
        return file.order();
    }

    /**
     * The words it knows, {@code <unk>}, {@code <s>} and {@code </s>} included.
     *
     * @return the vocabulary's size
     */
    public int vocabularySize() {
        return file.vocabularySize();
    }

    /**
     * The file it was opened from.
     *
     * @return its path
     */
    public Path path() {
        return file.path();
    }

    /** The queries a search makes; refuses when closed. */
    NgramModel ngrams() {
        if (closed) {
            throw new IllegalStateException("the language model " + file.path() + " is closed");
        }
        return file;
    }

    boolean isClosed() {
        return closed;
    }

    /** Unmaps the file; closing again does nothing. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            file.close();
        }
    }
}
