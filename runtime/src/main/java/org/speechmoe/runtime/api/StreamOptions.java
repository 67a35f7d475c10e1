package org.speechmoe.runtime.api;

import org.speechmoe.format.graph.GraphConfig;
import org.speechmoe.runtime.internal.decoder.EndpointRules;
import org.speechmoe.runtime.internal.model.StreamingTranscriber;

/**
 * How a {@link StreamingRecognizer} cuts a stream into utterances and how often it says what it has heard so far.
 * Immutable; start from {@link #defaults()}: {@code StreamOptions.defaults().withSilenceAfterSpeech(0.8)}.
 *
 * <p>An utterance ends by the first of three rules (those of sherpa-onnx and Kaldi's online endpointing), where
 * silence is what the model hears as no speech (frames whose most probable token is the CTC blank), not a signal
 * level: {@code silenceWithoutSpeech} of silence when nothing was said (its audio is then dropped and no result
 * given), {@code silenceAfterSpeech} of silence after speech, or {@code maxUtterance} in all. Set a rule's duration
 * to {@link Double#POSITIVE_INFINITY} to turn it off.
 *
 * @param partialInterval      seconds of new audio between two partial results of the utterance in progress (each
 *                             recognizes the utterance so far again: the cost of streaming a model trained on whole
 *                             utterances, docs/STREAMING.md)
 * @param silenceWithoutSpeech seconds of silence that end an utterance in which nothing was said
 * @param silenceAfterSpeech   seconds of silence after speech that end an utterance
 * @param maxUtterance         seconds after which an utterance ends whatever is in it; at most
 *                             {@link #MAX_UTTERANCE_LIMIT}
 * @param chunkSize            how the model is run: {@link #AUTO} (exact chunk-by-chunk decoding for a causal model,
 *                             at the chunk size it was configured to decode with, else {@link #DEFAULT_CHUNK_SIZE};
 *                             the approximate mode for a full-context model), {@link #APPROXIMATE}, or a chunk size
 *                             in output frames (40 ms each for the usual 10 ms features and 4x subsampling) for exact
 *                             decoding, which only a causal model allows
 * @param leftChunks           in exact mode, how many earlier chunks the attention sees: {@link #SPAN_UTTERANCE} for
 *                             enough to span the longest utterance (this bounds a stream's memory however long it
 *                             runs), or a count (0: only the chunk itself)
 */
public record StreamOptions(double partialInterval, double silenceWithoutSpeech, double silenceAfterSpeech,
        double maxUtterance, int chunkSize, int leftChunks) {
    /** The longest utterance recognized in one pass, as long recordings are cut. */
    public static final double MAX_UTTERANCE_LIMIT = 30;
    public static final double DEFAULT_PARTIAL_INTERVAL = 0.5;
    public static final double DEFAULT_SILENCE_WITHOUT_SPEECH = 2.4;
    public static final double DEFAULT_SILENCE_AFTER_SPEECH = 1.2;
    public static final double DEFAULT_MAX_UTTERANCE = 20;
    /** Partial results more often than this would recognize the utterance again for every few frames. */
    public static final double MIN_PARTIAL_INTERVAL = 0.04;
    /** {@code chunkSize}: the model's own way, see the parameter. */
    public static final int AUTO = 0;
    /** {@code leftChunks}: as many as span {@code maxUtterance}. */
    public static final int SPAN_UTTERANCE = -1;
    /** {@code chunkSize}: recognize the utterance so far again at each partial result, for any model. */
    public static final int APPROXIMATE = -1;
    /** The chunk size of exact decoding when the model names none: 640 ms (WeNet's usual 16 frames). */
    public static final int DEFAULT_CHUNK_SIZE = 16;

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when one is out of range (the message names it)
     */
    public StreamOptions {
        if (!(partialInterval >= MIN_PARTIAL_INTERVAL && partialInterval <= MAX_UTTERANCE_LIMIT)) {
            throw new IllegalArgumentException("the partial interval must be from " + MIN_PARTIAL_INTERVAL + " to "
                    + MAX_UTTERANCE_LIMIT + " seconds, got " + partialInterval);
        }
        if (!(silenceWithoutSpeech > 0) || !(silenceAfterSpeech > 0)) {
            throw new IllegalArgumentException("endpoint silences must be positive seconds (or infinite to turn the "
                    + "rule off), got " + silenceWithoutSpeech + " and " + silenceAfterSpeech);
        }
        if (maxUtterance == Double.POSITIVE_INFINITY) {
            maxUtterance = MAX_UTTERANCE_LIMIT;
        }
        if (!(maxUtterance > 0 && maxUtterance <= MAX_UTTERANCE_LIMIT)) {
            throw new IllegalArgumentException("the longest utterance must be more than 0 and at most "
                    + MAX_UTTERANCE_LIMIT + " seconds, got " + maxUtterance);
        }
        if (chunkSize < APPROXIMATE) {
            throw new IllegalArgumentException("the chunk size must be a number of frames, AUTO (0) or APPROXIMATE "
                    + "(-1), got " + chunkSize);
        }
        if (leftChunks < -1) {
            throw new IllegalArgumentException("left chunks must be a count, or SPAN_UTTERANCE (-1), got "
                    + leftChunks);
        }
    }

    /**
     * Partial results every 0.5 s; utterances end after 2.4 s of silence without speech, 1.2 s of silence after
     * speech, or 20 s (sherpa-onnx's defaults).
     *
     * @return the default options
     */
    public static StreamOptions defaults() {
        return new StreamOptions(DEFAULT_PARTIAL_INTERVAL, DEFAULT_SILENCE_WITHOUT_SPEECH,
                DEFAULT_SILENCE_AFTER_SPEECH, DEFAULT_MAX_UTTERANCE, AUTO, SPAN_UTTERANCE);
    }

    /**
     * @param seconds seconds of new audio between partial results
     * @return these options with that interval
     */
    public StreamOptions withPartialInterval(double seconds) {
        return new StreamOptions(seconds, silenceWithoutSpeech, silenceAfterSpeech, maxUtterance, chunkSize,
                leftChunks);
    }

    /**
     * @param seconds silence that ends an utterance in which nothing was said
     * @return these options with that rule
     */
    public StreamOptions withSilenceWithoutSpeech(double seconds) {
        return new StreamOptions(partialInterval, seconds, silenceAfterSpeech, maxUtterance, chunkSize,
                leftChunks);
    }

    /**
     * @param seconds silence after speech that ends an utterance
     * @return these options with that rule
     */
    public StreamOptions withSilenceAfterSpeech(double seconds) {
        return new StreamOptions(partialInterval, silenceWithoutSpeech, seconds, maxUtterance, chunkSize,
                leftChunks);
    }

    /**
     * @param seconds the longest utterance
     * @return these options with that rule
     */
    public StreamOptions withMaxUtterance(double seconds) {
        return new StreamOptions(partialInterval, silenceWithoutSpeech, silenceAfterSpeech, seconds, chunkSize,
                leftChunks);
    }

    /**
     * @param frames {@link #AUTO}, {@link #APPROXIMATE} or a chunk size in output frames
     * @return these options with that chunk size
     */
    public StreamOptions withChunkSize(int frames) {
        return new StreamOptions(partialInterval, silenceWithoutSpeech, silenceAfterSpeech, maxUtterance, frames,
                leftChunks);
    }

    /**
     * @param chunks {@link #SPAN_UTTERANCE}, or a count of earlier chunks
     * @return these options with that attention context
     */
    public StreamOptions withLeftChunks(int chunks) {
        return new StreamOptions(partialInterval, silenceWithoutSpeech, silenceAfterSpeech, maxUtterance, chunkSize,
                chunks);
    }

    /**
     * What these options make of a stream of a model: the chunk size ({@link #AUTO} resolved, 0 for the approximate
     * mode) and the left chunks ({@link #SPAN_UTTERANCE} resolved).
     *
     * @param batched whether the stream's chunks run in passes shared with other streams
     * @throws IllegalArgumentException when a chunk size is asked of a full-context model
     */
    StreamingTranscriber.Settings settings(GraphConfig graph, boolean batched) {
        EndpointRules rules = new EndpointRules(silenceWithoutSpeech, silenceAfterSpeech, maxUtterance);
        int chunk = switch (chunkSize) {
            case APPROXIMATE -> 0;
            case AUTO -> !graph.streamable() ? 0
                    : graph.decodingChunkSize() > 0 ? graph.decodingChunkSize() : DEFAULT_CHUNK_SIZE;
            default -> {
                if (!graph.streamable()) {
                    throw new IllegalArgumentException("the model is full-context (causal: false): it cannot be "
                            + "decoded chunk by chunk exactly; without a chunk size it streams in the approximate mode");
                }
                yield chunkSize;
            }
        };
        double chunkSeconds = chunk * 4 * graph.features().frameShiftMs() / 1000;
        int left = chunk == 0 || leftChunks >= 0 ? leftChunks : (int) Math.ceil(maxUtterance / chunkSeconds);
        return new StreamingTranscriber.Settings(partialInterval, rules, chunk, left, batched);
    }
}
