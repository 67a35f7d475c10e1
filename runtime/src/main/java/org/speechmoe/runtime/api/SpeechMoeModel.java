package org.speechmoe.runtime.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.speechmoe.format.ModelFormatException;
import org.speechmoe.format.SmoeFile;
import org.speechmoe.format.graph.FeatureConfig;
import org.speechmoe.format.graph.GraphConfig;
import org.speechmoe.format.graph.GraphTensors;
import org.speechmoe.runtime.api.Recognizer;
import org.speechmoe.runtime.api.RecognizerOptions;
import org.speechmoe.runtime.internal.backend.Backends;
import org.speechmoe.runtime.spi.ExpertOffload;
import org.speechmoe.runtime.internal.decoder.FrameTiming;
import org.speechmoe.runtime.internal.encoder.Encoder;
import org.speechmoe.runtime.internal.features.Cmvn;
import org.speechmoe.runtime.internal.features.FbankExtractor;
import org.speechmoe.runtime.internal.weights.ModelWeights;

/**
 * A SpeechMoE model opened from a {@code .smoe} file: loaded once, immutable, shared by any number of threads. The
 * weights stay in the memory-mapped file. Create one {@link Recognizer} per thread; they are cheap. Closing the model
 * unmaps the file: recognizers must not be used after that.
 */
public final class SpeechMoeModel implements AutoCloseable {
    private final SmoeFile file;
    private final GraphConfig config;
    private final Encoder encoder;
    private final FbankExtractor fbank;
    private final Cmvn cmvn;
    private final FrameTiming timing;
    /** The GPU offload, opened by the first recognizer that asks for it and shared by all. */
    private ExpertOffload offload;

    private SpeechMoeModel(SmoeFile file, GraphConfig config, ModelWeights weights) {
        this.file = file;
        this.config = config;
        this.encoder = new Encoder(weights, config);
        FeatureConfig f = config.features();
        this.fbank = new FbankExtractor(f.sampleRate(), f.numMelBins(), f.frameLengthMs(), f.frameShiftMs());
        this.cmvn = new Cmvn(weights.floats(GraphTensors.CMVN_MEAN), weights.floats(GraphTensors.CMVN_ISTD));
        // conv2d 4x subsampling: two 3x3 stride-2 convolutions, each output frame sees 7 feature frames
        this.timing = new FrameTiming(f.frameShiftMs() / 1000, f.frameLengthMs() / 1000, 4, 7);
    }

    /**
     * Opens and checks a model file: header checksum, metadata, and every tensor the graph needs.
     *
     * @throws ModelFormatException when the file is not a usable model; the message names the problem
     */
    public static SpeechMoeModel open(Path path) throws IOException {
        SmoeFile file = SmoeFile.open(path);
        try {
            GraphConfig config = GraphConfig.fromMetadata(file.metadata(), path.toString());
            return new SpeechMoeModel(file, config, ModelWeights.check(file, config));
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /**
     * Opens the default model embedded in this build (see the README), extracting it to the user's cache on first
     * use when it sits inside a jar.
     *
     * @throws IOException when the build embeds none; the message says to pass a model file instead
     */
    public static SpeechMoeModel openDefault() throws IOException {
        return open(DefaultModel.locate(SpeechMoeModel.class.getClassLoader()));
    }

    /** Whether this build embeds a default model. */
    public static boolean hasDefault() {
        return SpeechMoeModel.class.getClassLoader().getResource(DefaultModel.RESOURCE) != null;
    }

    public Recognizer newRecognizer() {
        return newRecognizer(RecognizerOptions.defaults());
    }

    public Recognizer newRecognizer(RecognizerOptions options) {
        return new Recognizer(this, options);
    }

    public Path path() {
        return file.path();
    }

    public GraphConfig config() {
        return config;
    }

    /** The vocabulary by token id; {@code <blank>} is 0. */
    public List<String> tokens() {
        return config.tokens();
    }

    public Encoder encoder() {
        return encoder;
    }

    public FbankExtractor fbank() {
        return fbank;
    }

    public Cmvn cmvn() {
        return cmvn;
    }

    public FrameTiming timing() {
        return timing;
    }

    /**
     * The expert offload for {@code device} ({@code gpu}), opened on first use and kept, with the experts' weights on
     * the device, until the model is closed.
     *
     * @throws org.speechmoe.runtime.spi.BackendUnavailableException when the device or its module is missing;
     *                                                                    the message says how to get it
     */
    public synchronized ExpertOffload offload(String device) {
        if (offload == null) {
            offload = Backends.offload(device);
        }
        return offload;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (offload != null) {
                offload.close();
                offload = null;
            }
        }
        file.close();
    }
}
