package org.speechmoe.runtime.api;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.model.StreamingTranscriber;
import org.speechmoe.runtime.internal.state.RecognizerState;

/**
 * Many live streams of one causal model recognized together, for a server: each stream queues its audio
 * ({@link GroupedStream#accept}), and {@link #decode()} runs the chunks that all streams have ready in shared encoder
 * passes, where every matrix multiply (the feed-forward and attention projections, the routers and the experts,
 * which get the frames of all streams routed to them) takes the frames of all streams at once; attention and the
 * causal convolutions run per stream over its own caches. Then each stream's frames are decoded as a
 * {@link StreamingRecognizer}'s would be, and its utterances and partial result wait in the stream. A stream's results
 * equal what a {@code StreamingRecognizer} with the same options gives for the same samples (up to float rounding).
 *
 * <p>Only exact streaming is grouped: the model must be causal ({@code causal: true}), and the chunk size is that of
 * {@link StreamOptions#chunkSize()} ({@link StreamOptions#AUTO}: the model's, else 16 frames). A full-context model
 * streams in the approximate mode, which recognizes each stream's utterance so far again at every partial result:
 * use a {@link StreamingRecognizer} per stream for it.
 *
 * <p>Thread contract: {@link #decode()} is for one thread at a time (a call while another thread's runs is refused
 * with {@link IllegalStateException}); it runs on the group's kernels ({@link RecognizerOptions#threads()} threads).
 * {@link #newStream()} and everything of a {@link GroupedStream} may be called from any thread at any time, also during
 * {@code decode()}: they never run the model. A typical server feeds each stream from its connection's thread and
 * calls {@code decode()} in a loop on one thread, about once per {@link #chunkSeconds()} (more often gives smaller
 * passes, less often later results). Audio queued while a {@code decode()} runs waits for the next one. Closing the
 * group closes its streams; closing it again does nothing.
 *
 * <pre>{@code
 * try (StreamGroup group = model.newStreamGroup(RecognizerOptions.defaults(), StreamOptions.defaults())) {
 *     GroupedStream call = group.newStream();           // per connection; call.accept(block, 16000) as audio comes
 *     while (serving) {
 *         for (GroupedStream s : group.decode()) {       // the streams with utterances to take
 *             s.takeUtterances().forEach(u -> send(s, u.transcript().text()));
 *         }
 *         Thread.sleep((long) (group.chunkSeconds() * 1000));
 *     }
 * }
 * }</pre>
 */
public final class StreamGroup implements AutoCloseable {
    private final SpeechMoeModel model;
    private final RecognizerOptions options;
    private final StreamOptions streamOptions;
    private final StreamingTranscriber.Settings settings;
    private final Backend backend;
    private final RecognizerState state = new RecognizerState();
    private final List<GroupedStream> streams = new CopyOnWriteArrayList<>();
    private final SingleUser user = new SingleUser("stream group");
    private volatile boolean closed;

    StreamGroup(SpeechMoeModel model, RecognizerOptions options, StreamOptions streamOptions) {
        if (!model.config().streamable()) {
            throw new IllegalArgumentException("the model is full-context (causal: false): a stream group decodes "
                    + "causal models chunk by chunk; stream it with a StreamingRecognizer per stream");
        }
        if (streamOptions.chunkSize() == StreamOptions.APPROXIMATE) {
            throw new IllegalArgumentException("a stream group decodes chunk by chunk exactly: the approximate mode "
                    + "streams with a StreamingRecognizer per stream");
        }
        this.model = model;
        this.options = options;
        this.streamOptions = streamOptions;
        this.settings = streamOptions.settings(model.config(), true);
        this.backend = TranscriberFactory.backend(model, options);
    }

    /**
     * A new stream of this group, at time 0: cheap (its caches grow as it runs).
     *
     * @return the stream, to be closed when its audio source goes away
     * @throws IllegalStateException when the group or its model is closed
     * @throws java.io.UncheckedIOException when the model turns out damaged
     */
    public GroupedStream newStream() {
        requireOpen();
        GroupedStream s = new GroupedStream(this, new StreamingTranscriber(model.loaded(),
                TranscriberFactory.create(model, options, backend), settings));
        streams.add(s);
        if (closed) {
            s.close();
            requireOpen();
        }
        return s;
    }

    /**
     * Recognizes the audio all streams have queued: their ready chunks in shared passes (a stream with several chunks
     * waiting is in several passes), then each stream's decoding, endpoints and partial result; a finished stream's
     * last utterances.
     *
     * @return the streams that got utterances to take or finished in this call, in the order they were made
     * @throws IllegalStateException when another thread is in {@code decode()}, the group or its model is closed, or
     *                               the options' language model was closed
     */
    public List<GroupedStream> decode() {
        user.enter(closed, model);
        try {
            List<GroupedStream> active = new ArrayList<>();
            List<GroupedStream.Intake> intakes = new ArrayList<>();
            List<StreamingTranscriber> transcribers = new ArrayList<>();
            for (GroupedStream s : streams) {
                GroupedStream.Intake in = s.take();
                if (in == null) {
                    continue;
                }
                StreamingTranscriber t = s.transcriber();
                if (in.reset()) {
                    t.reset();
                }
                for (GroupedStream.Block b : in.blocks()) {
                    t.accept(b.samples(), 0, b.samples().length, b.sampleRate());
                }
                if (in.ended()) {
                    t.end();
                }
                if (!t.isFinished()) {
                    active.add(s);
                    intakes.add(in);
                    transcribers.add(t);
                }
            }
            List<List<StreamingTranscriber.Utterance>> results = StreamingTranscriber.runBatched(backend, state,
                    transcribers);
            List<GroupedStream> changed = new ArrayList<>();
            for (int i = 0; i < active.size(); i++) {
                StreamingTranscriber t = transcribers.get(i);
                List<Utterance> done = new ArrayList<>();
                for (StreamingTranscriber.Utterance u : results.get(i)) {
                    done.add(Transcripts.utterance(u, t.sampleRate(), options));
                }
                StreamingTranscriber.Utterance latest = t.partial();
                active.get(i).publish(intakes.get(i).generation(), done,
                        latest == null ? null : Transcripts.utterance(latest, t.sampleRate(), options), t.isFinished());
                if (!done.isEmpty() || t.isFinished()) {
                    changed.add(active.get(i));
                }
            }
            return changed;
        } finally {
            user.exit();
        }
    }

    /**
     * @return the streams of this group now (made and not closed), in the order they were made
     */
    public List<GroupedStream> streams() {
        return List.copyOf(streams);
    }

    /**
     * @return seconds of audio per chunk: a stream's chunk is ready once this much more of its audio has come
     */
    public double chunkSeconds() {
        return settings.chunkSize() * 4 * model.config().features().frameShiftMs() / 1000;
    }

    /**
     * @return the decoding options of the group's streams
     */
    public RecognizerOptions options() {
        return options;
    }

    /**
     * @return how the group's streams cut utterances
     */
    public StreamOptions streamOptions() {
        return streamOptions;
    }

    void remove(GroupedStream s) {
        streams.remove(s);
    }

    void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this stream group is closed");
        }
        model.requireOpen();
    }

    /** Closes the group's streams; {@link #decode()} and new streams are refused after it. Idempotent. */
    @Override
    public void close() {
        closed = true;
        for (GroupedStream s : streams) {
            s.close();
        }
    }
}
