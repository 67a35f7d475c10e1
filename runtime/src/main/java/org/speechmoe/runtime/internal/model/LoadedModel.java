package org.speechmoe.runtime.internal.model;

import java.io.IOException;
import java.nio.file.Path;
import org.speechmoe.format.ModelFormatException;
import org.speechmoe.format.SmoeFile;
import org.speechmoe.format.graph.FeatureConfig;
import org.speechmoe.format.graph.GraphConfig;
import org.speechmoe.format.graph.GraphTensors;
import org.speechmoe.runtime.internal.audio.Resampler;
import org.speechmoe.runtime.internal.audio.Samples;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.decoder.FrameTiming;
import org.speechmoe.runtime.internal.encoder.Encoder;
import org.speechmoe.runtime.internal.encoder.EncoderTrace;
import org.speechmoe.runtime.internal.features.Cmvn;
import org.speechmoe.runtime.internal.features.FbankExtractor;
import org.speechmoe.runtime.internal.features.Features;
import org.speechmoe.runtime.internal.state.RecognizerState;
import org.speechmoe.runtime.internal.weights.ModelWeights;

/**
 * An opened, checked {@code .smoe} file and the graph built over its memory-mapped weights: the features, the encoder
 * and the frame timing of the decoder. Immutable and shared by every recognizer of the model; what a pass writes lives
 * in the caller's {@link RecognizerState}.
 */
public final class LoadedModel implements AutoCloseable {
    private final SmoeFile file;
    private final GraphConfig config;
    private final Encoder encoder;
    private final FbankExtractor fbank;
    private final Cmvn cmvn;
    private final FrameTiming timing;

    private LoadedModel(SmoeFile file, GraphConfig config, ModelWeights weights) {
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
    public static LoadedModel open(Path path) throws IOException {
        SmoeFile file = SmoeFile.open(path);
        try {
            GraphConfig config = GraphConfig.fromMetadata(file.metadata(), path.toString());
            return new LoadedModel(file, config, ModelWeights.check(file, config));
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** CTC log-probabilities and routes of one recording: resampling, features, CMVN and the encoder. */
    public Encoder.Output encode(Backend backend, RecognizerState state, Samples audio) {
        Features feats = features(audio);
        return encoder.forward(backend, state, feats.data(), feats.frames(), EncoderTrace.NONE);
    }

    /** The recording at the model's sample rate: {@code audio} itself when it is at that rate already. */
    public Samples resample(Samples audio) {
        return Resampler.resample(audio, fbank.sampleRate());
    }

    /** The CMVN-normalized features of a recording, resampled to the model's rate first. */
    public Features features(Samples audio) {
        Features feats = fbank.compute(resample(audio));
        cmvn.applyInPlace(feats);
        return feats;
    }

    public Path path() {
        return file.path();
    }

    public GraphConfig config() {
        return config;
    }

    public Encoder encoder() {
        return encoder;
    }

    public FrameTiming timing() {
        return timing;
    }

    @Override
    public void close() {
        file.close();
    }
}
