package org.speechmoe.runtime.internal.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.speechmoe.format.ModelFormatException;
import org.speechmoe.format.SmoeFile;
import org.speechmoe.format.graph.FeatureConfig;
import org.speechmoe.format.graph.GraphConfig;
import org.speechmoe.format.graph.GraphTensors;
import org.speechmoe.runtime.internal.audio.AudioStream;
import org.speechmoe.runtime.internal.audio.Resampler;
import org.speechmoe.runtime.internal.audio.Samples;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.decoder.FrameTiming;
import org.speechmoe.runtime.internal.encoder.Encoder;
import org.speechmoe.runtime.internal.encoder.EncoderStream;
import org.speechmoe.runtime.internal.encoder.EncoderTrace;
import org.speechmoe.runtime.internal.features.Cmvn;
import org.speechmoe.runtime.internal.features.FbankExtractor;
import org.speechmoe.runtime.internal.features.FeatureStream;
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
    private final ModelWeights weights;

    private LoadedModel(SmoeFile file, GraphConfig config, ModelWeights weights) {
        this.file = file;
        this.weights = weights;
        this.config = config;
        this.encoder = new Encoder(weights, config);
        FeatureConfig f = config.features();
        this.fbank = new FbankExtractor(f.sampleRate(), f.numMelBins(), f.frameLengthMs(), f.frameShiftMs());
        this.cmvn = new Cmvn(weights.floats(GraphTensors.CMVN_MEAN), weights.floats(GraphTensors.CMVN_ISTD));
        // conv2d 4x subsampling: two 3x3 stride-2 convolutions, each output frame sees 7 feature frames
        this.timing = new FrameTiming(f.frameShiftMs() / 1000, f.frameLengthMs() / 1000, 4, 7);
    }

    /** {@link #open(Path, boolean) open(path, true)}: with checksums checked before first use. */
    public static LoadedModel open(Path path) throws IOException {
        return open(path, true);
    }

    /**
     * Opens and checks a model file: header checksum, metadata, and every tensor the graph needs; with {@code verify},
     * the checksums of the small vectors now and those of the matrices before the first pass
     * ({@link #requireIntact}).
     *
     * @throws ModelFormatException when the file is not a usable model; the message names the problem
     */
    public static LoadedModel open(Path path, boolean verify) throws IOException {
        SmoeFile file = SmoeFile.open(path);
        try {
            GraphConfig config = GraphConfig.fromMetadata(file.metadata(), path.toString());
            return new LoadedModel(file, config, ModelWeights.check(file, config, verify));
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /**
     * Verifies the weight matrices' checksums unless done before (or verification is off); thread-safe.
     *
     * @throws ModelFormatException naming the first damaged matrix
     */
    public void requireIntact() throws ModelFormatException {
        weights.requireIntactMatrices();
    }

    /**
     * CTC log-probabilities and routes of one recording: resampling, features, CMVN and the encoder.
     *
     * @throws UncheckedIOException around the {@link ModelFormatException} when a weight matrix is damaged
     */
    public Encoder.Output encode(Backend backend, RecognizerState state, Samples audio) {
        try {
            requireIntact();
        } catch (ModelFormatException e) {
            throw new UncheckedIOException(e);
        }
        Features feats = features(audio);
        return encoder.forward(backend, state, feats.data(), feats.frames(), EncoderTrace.NONE);
    }

    /**
     * As {@link #encode}, but exactly as a stream decodes a causal model: the samples go through a
     * {@link FeatureStream} and an {@link EncoderStream} of {@code chunkSize} output frames ({@code leftChunks} of
     * attention context, negative for all) a tenth of a second at a time.
     *
     * @throws IllegalStateException for a full-context model
     */
    public Encoder.Output encodeChunked(Backend backend, RecognizerState state, Samples audio, int chunkSize,
                                        int leftChunks) {
        try {
            requireIntact();
        } catch (ModelFormatException e) {
            throw new UncheckedIOException(e);
        }
        EncoderStream stream = encoder.stream(chunkSize, leftChunks);
        FeatureStream features = featureStream();
        float[] samples = resample(audio).samples();
        int block = Math.max(1, fbank.sampleRate() / 10);
        List<Encoder.Output> outputs = new ArrayList<>();
        for (int at = 0; at < samples.length; at += block) {
            int n = Math.min(block, samples.length - at);
            Features rows = features.accept(Arrays.copyOfRange(samples, at, at + n), n);
            outputs.add(stream.accept(backend, state, rows.data(), rows.frames()));
        }
        outputs.add(stream.finish(backend, state));
        return EncoderStream.concat(outputs, config.vocabSize());
    }

    /** CMVN-normalized features of samples at the model's rate as they arrive. */
    public FeatureStream featureStream() {
        return new FeatureStream(fbank, cmvn);
    }

    /** The recording at the model's sample rate: {@code audio} itself when it is at that rate already. */
    public Samples resample(Samples audio) {
        return Resampler.resample(audio, fbank.sampleRate());
    }

    /** {@code audio} at the model's sample rate, resampled as it is read. */
    public AudioStream resample(AudioStream audio) {
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
