package org.speechmoe.runtime.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.speechmoe.format.ModelFormatException;
import org.speechmoe.format.graph.GraphConfig;
import org.speechmoe.runtime.internal.backend.Backends;
import org.speechmoe.runtime.internal.model.LoadedModel;
import org.speechmoe.runtime.spi.ExpertOffload;

/**
 * A SpeechMoE model opened from a {@code .smoe} file: loaded once, immutable, shared by any number of threads. The
 * weights stay in the memory-mapped file. Create one {@link Recognizer} per thread; they are cheap. Closing the model
 * unmaps the file: after that, {@link #newRecognizer} and the recognizers made before throw
 * {@link IllegalStateException}. Closing twice does nothing more.
 *
 * <p>Every tensor's checksum is checked before its first use ({@link ModelOptions.Verification}), so a damaged file
 * is refused with a message naming the tensor instead of giving wrong text.
 */
public final class SpeechMoeModel implements AutoCloseable {
    private final LoadedModel loaded;
    /** The GPU offload, opened by the first recognizer that asks for it and shared by all. */
    private ExpertOffload offload;
    private volatile boolean closed;

    private SpeechMoeModel(LoadedModel loaded) {
        this.loaded = loaded;
    }

    /**
     * Opens and checks a model file with {@link ModelOptions#defaults()}: header checksum, metadata, and every tensor
     * the graph needs; the tensors' checksums before their first use.
     *
     * @param path the {@code .smoe} file
     * @return the open model, to be closed by the caller
     * @throws ModelFormatException when the file is not a usable model; the message names the problem
     * @throws IOException          when the file cannot be read
     */
    public static SpeechMoeModel open(Path path) throws IOException {
        return open(path, ModelOptions.defaults());
    }

    /**
     * Opens and checks a model file, verifying the tensors' checksums as {@code options} say.
     *
     * @param path    the {@code .smoe} file
     * @param options when the tensors' checksums are checked
     * @return the open model, to be closed by the caller
     * @throws ModelFormatException when the file is not a usable model (with {@code AT_OPEN}: also a damaged tensor);
     *                              the message names the problem
     * @throws IOException          when the file cannot be read
     */
    public static SpeechMoeModel open(Path path, ModelOptions options) throws IOException {
        LoadedModel loaded = LoadedModel.open(path, options.verification() != ModelOptions.Verification.OFF);
        if (options.verification() == ModelOptions.Verification.AT_OPEN) {
            try {
                loaded.requireIntact();
            } catch (ModelFormatException e) {
                loaded.close();
                throw e;
            }
        }
        return new SpeechMoeModel(loaded);
    }

    /**
     * Opens the default model embedded in this build (see the README), extracting it to the user's cache on first
     * use when it sits inside a jar.
     *
     * @return the open model, to be closed by the caller
     * @throws NoDefaultModelException when the build embeds none
     * @throws IOException             when the model cannot be extracted to the cache or read
     */
    public static SpeechMoeModel openDefault() throws IOException {
        return openDefault(ModelOptions.defaults());
    }

    /**
     * {@link #openDefault()} with the given options.
     *
     * @param options when the tensors' checksums are checked
     * @return the open model, to be closed by the caller
     * @throws NoDefaultModelException when the build embeds none
     * @throws IOException             when the model cannot be extracted to the cache or read
     */
    public static SpeechMoeModel openDefault(ModelOptions options) throws IOException {
        return open(DefaultModel.locate(SpeechMoeModel.class.getClassLoader()), options);
    }

    /**
     * Whether this build embeds a default model.
     *
     * @return true when {@link #openDefault()} finds one
     */
    public static boolean hasDefault() {
        return SpeechMoeModel.class.getClassLoader().getResource(DefaultModel.RESOURCE) != null;
    }

    /**
     * A recognizer with {@link RecognizerOptions#defaults()}.
     *
     * @return a new recognizer of this model, for one thread at a time
     * @throws IllegalStateException when the model is closed
     */
    public Recognizer newRecognizer() {
        return newRecognizer(RecognizerOptions.defaults());
    }

    /**
     * A recognizer with the given options: cheap, one per thread.
     *
     * @param options how it decodes and on what it runs
     * @return a new recognizer of this model, for one thread at a time
     * @throws IllegalStateException           when the model is closed
     * @throws org.speechmoe.runtime.spi.BackendUnavailableException when the options ask for a backend or device
     *                                         this JVM cannot run (the message says what is missing)
     */
    public Recognizer newRecognizer(RecognizerOptions options) {
        requireOpen();
        return new Recognizer(this, options);
    }

    /**
     * A stream with {@link RecognizerOptions#defaults()} and {@link StreamOptions#defaults()}.
     *
     * @return a new stream of this model, for one thread at a time
     * @throws IllegalStateException when the model is closed
     */
    public StreamingRecognizer newStream() {
        return newStream(RecognizerOptions.defaults(), StreamOptions.defaults());
    }

    /**
     * A stream that decodes as {@code options} say and cuts utterances as {@code streamOptions} say: cheap, one per
     * audio source.
     *
     * @param options       how it decodes and on what it runs
     * @param streamOptions its endpoint rules and partial results
     * @return a new stream of this model, for one thread at a time
     * @throws IllegalStateException           when the model is closed
     * @throws org.speechmoe.runtime.spi.BackendUnavailableException when the options ask for a backend or device
     *                                         this JVM cannot run
     */
    public StreamingRecognizer newStream(RecognizerOptions options, StreamOptions streamOptions) {
        requireOpen();
        return new StreamingRecognizer(this, options, streamOptions);
    }

    /**
     * A group of streams of this causal model, recognized together in shared passes: the way to serve many live
     * streams on few cores. See {@link StreamGroup} for its thread contract.
     *
     * @param options       how its streams decode and on what the passes run ({@link RecognizerOptions#threads()}
     *                      threads for all streams together)
     * @param streamOptions its streams' endpoint rules, partial results and chunk size
     * @return a new, empty group
     * @throws IllegalStateException           when the model is closed
     * @throws IllegalArgumentException        for a full-context model, or {@link StreamOptions#APPROXIMATE}: only
     *                                         exact streaming is grouped
     * @throws org.speechmoe.runtime.spi.BackendUnavailableException when the options ask for a backend or device
     *                                         this JVM cannot run
     */
    public StreamGroup newStreamGroup(RecognizerOptions options, StreamOptions streamOptions) {
        requireOpen();
        return new StreamGroup(this, options, streamOptions);
    }

    boolean isClosed() {
        return closed;
    }

    void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the model " + loaded.path() + " is closed");
        }
    }

    /**
     * The file this model was opened from.
     *
     * @return its path
     */
    public Path path() {
        return loaded.path();
    }

    /**
     * The hyper-parameters, features and vocabulary the file declares.
     *
     * @return the model's configuration
     */
    public GraphConfig config() {
        return loaded.config();
    }

    /**
     * The vocabulary by token id; {@code <blank>} is 0.
     *
     * @return the pieces, index = token id
     */
    public List<String> tokens() {
        return loaded.config().tokens();
    }

    LoadedModel loaded() {
        return loaded;
    }

    /**
     * The expert offload for {@code device} ({@code gpu}), opened on first use and kept, with the experts' weights on
     * the device, until the model is closed.
     *
     * @throws org.speechmoe.runtime.spi.BackendUnavailableException when the device or its module is missing
     */
    synchronized ExpertOffload offload(String device) {
        requireOpen();
        if (offload == null) {
            offload = Backends.offload(device);
        }
        return offload;
    }

    /** Unmaps the file and frees any device; recognizers of this model can no longer be used. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (offload != null) {
                offload.close();
                offload = null;
            }
        }
        loaded.close();
    }
}
