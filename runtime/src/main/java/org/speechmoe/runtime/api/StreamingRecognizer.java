package org.speechmoe.runtime.api;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.speechmoe.runtime.internal.audio.SampleRates;
import org.speechmoe.runtime.internal.audio.Samples;
import org.speechmoe.runtime.internal.model.StreamingTranscriber;

/**
 * Recognizes audio as it arrives (a microphone, a call, a network stream): give it blocks of samples of any size
 * with {@link #accept}, get back the utterances they complete, look at the one in progress with {@link #partial()},
 * and {@link #finish()} at the end. Utterances are cut by the endpoint rules of {@link StreamOptions}.
 *
 * <p>Made by {@link SpeechMoeModel#newStream}; many streams share one model. A stream is for one thread at a time
 * (a call while another thread's is running is refused with {@link IllegalStateException}); it holds the utterance in
 * progress (at most {@link StreamOptions#maxUtterance()} of audio) and its recognizer's scratch. Closing it marks it
 * unusable; closing again does nothing.
 *
 * <p>Results depend only on the samples, not on the sizes of the blocks they came in. A causal model (trained for
 * chunks, {@code causal: true}) is decoded chunk by chunk exactly ({@link #isExact()}): each chunk's log-probabilities
 * are computed once, as the chunk-masked model computes them. Any other model streams in the approximate mode: the
 * utterance so far is recognized again, with full context, every {@link StreamOptions#partialInterval()} seconds of
 * audio, so partial results can change earlier words, and an utterance's final result is what
 * {@link Recognizer#transcribe(float[], int)} gives for the utterance's speech alone (its samples from shortly before
 * the first word to shortly after the last), with its times shifted to the stream's.
 *
 * <p>Many streams of a causal model are served more cheaply by a {@link StreamGroup}, which runs their chunks
 * through the encoder together.
 *
 * <pre>{@code
 * try (StreamingRecognizer stream = model.newStream()) {
 *     while (microphone.read(block) > 0) {
 *         for (Utterance u : stream.accept(block, 16000)) {
 *             System.out.println(u.transcript().text());
 *         }
 *     }
 *     stream.finish().forEach(u -> System.out.println(u.transcript().text()));
 * }
 * }</pre>
 */
public final class StreamingRecognizer implements AutoCloseable {
    private final SpeechMoeModel owner;
    private final RecognizerOptions options;
    private final StreamOptions streamOptions;
    private final StreamingTranscriber transcriber;
    private final SingleUser user = new SingleUser("stream");
    private final boolean exact;
    private volatile boolean closed;

    StreamingRecognizer(SpeechMoeModel model, RecognizerOptions options, StreamOptions streamOptions) {
        this.owner = model;
        this.options = options;
        this.streamOptions = streamOptions;
        StreamingTranscriber.Settings settings = streamOptions.settings(model.config(), false);
        this.exact = settings.chunkSize() > 0;
        this.transcriber = new StreamingTranscriber(model.loaded(), TranscriberFactory.create(model, options),
                settings);
    }

    /**
     * @return whether this stream decodes its causal model chunk by chunk exactly, rather than recognizing each
     *         utterance so far again at every partial result (the approximate mode)
     */
    public boolean isExact() {
        return exact;
    }

    /**
     * @return the decoding options of this stream
     */
    public RecognizerOptions options() {
        return options;
    }

    /**
     * @return how this stream cuts utterances and how often it gives partial results
     */
    public StreamOptions streamOptions() {
        return streamOptions;
    }

    /**
     * Takes the next mono samples in [-1, 1]. A rate other than the previous block's ends the audio at that rate (as
     * the end of a file would, for the resampler) and goes on at the new one.
     *
     * @param samples    the audio (not modified, not kept)
     * @param sampleRate samples per second, 4 kHz to 384 kHz
     * @return the utterances these samples completed, in order; usually none
     * @throws IllegalArgumentException when the rate is outside 4 kHz to 384 kHz
     * @throws IllegalStateException    when the stream is finished or closed, its model is closed, or another thread
     *                                  is using it
     * @throws UncheckedIOException     when the model turns out damaged on its first pass
     */
    public List<Utterance> accept(float[] samples, int sampleRate) {
        return accept(samples, 0, samples.length, sampleRate);
    }

    /**
     * As {@link #accept(float[], int)}, for {@code samples[from, from + length)}.
     *
     * @param samples    the audio (not modified, not kept)
     * @param from       the first sample to take
     * @param length     how many to take
     * @param sampleRate samples per second, 4 kHz to 384 kHz
     * @return the utterances these samples completed, in order; usually none
     * @throws IndexOutOfBoundsException when the range is not inside {@code samples}
     */
    public List<Utterance> accept(float[] samples, int from, int length, int sampleRate) {
        Objects.checkFromIndexSize(from, length, samples.length);
        SampleRates.require(sampleRate);
        enter();
        try {
            return utterances(transcriber.accept(samples, from, length, sampleRate));
        } finally {
            user.exit();
        }
    }

    /**
     * Takes the next 16-bit PCM samples (what a microphone line gives, after combining its bytes).
     *
     * @param pcm        the audio
     * @param sampleRate samples per second, 4 kHz to 384 kHz
     * @return the utterances these samples completed, in order; usually none
     * @throws IllegalArgumentException when the rate is outside 4 kHz to 384 kHz
     * @throws IllegalStateException    as {@link #accept(float[], int)}
     */
    public List<Utterance> accept(short[] pcm, int sampleRate) {
        return accept(Samples.fromPcm16(pcm), sampleRate);
    }

    /**
     * The utterance in progress as of its latest partial result.
     *
     * @return it, or null when no speech was heard since the last final result
     * @throws IllegalStateException as {@link #accept(float[], int)}
     */
    public Utterance partial() {
        enter();
        try {
            StreamingTranscriber.Utterance u = transcriber.partial();
            return u == null ? null : utterance(u);
        } finally {
            user.exit();
        }
    }

    /**
     * Ends the stream: recognizes what remains. Later calls give nothing more, and {@link #accept} is refused until
     * {@link #reset()}.
     *
     * @return the utterances that the rest completes, the last one included when anything was said in it
     * @throws IllegalStateException when the stream or its model is closed, or another thread is using it
     */
    public List<Utterance> finish() {
        enter();
        try {
            return utterances(transcriber.finish());
        } finally {
            user.exit();
        }
    }

    /**
     * Drops everything heard and starts again at time 0, as a new stream would.
     *
     * @throws IllegalStateException when the stream or its model is closed, or another thread is using it
     */
    public void reset() {
        enter();
        try {
            transcriber.reset();
        } finally {
            user.exit();
        }
    }

    /**
     * @return seconds of audio taken since the stream's start (or its last reset), at the model's sample rate
     */
    public double seconds() {
        return transcriber.samples() / (double) transcriber.sampleRate();
    }

    private List<Utterance> utterances(List<StreamingTranscriber.Utterance> done) {
        List<Utterance> out = new ArrayList<>(done.size());
        for (StreamingTranscriber.Utterance u : done) {
            out.add(utterance(u));
        }
        return out;
    }

    private Utterance utterance(StreamingTranscriber.Utterance u) {
        return Transcripts.utterance(u, transcriber.sampleRate(), options);
    }

    private void enter() {
        user.enter(closed, owner);
    }

    /** Marks the stream unusable; closing again does nothing. */
    @Override
    public void close() {
        closed = true;
    }
}
