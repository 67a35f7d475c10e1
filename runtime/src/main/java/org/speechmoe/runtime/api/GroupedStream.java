package org.speechmoe.runtime.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.speechmoe.runtime.internal.audio.SampleRates;
import org.speechmoe.runtime.internal.audio.Samples;
import org.speechmoe.runtime.internal.model.StreamingTranscriber;

/**
 * One stream of a {@link StreamGroup}: its audio is queued by {@link #accept} and recognized by the group's
 * {@link StreamGroup#decode()}, together with the other streams' audio; the utterances it completes wait here for
 * {@link #takeUtterances()}.
 *
 * <p>Thread contract: every method of a grouped stream may be called from any thread, also while another thread runs
 * the group's {@code decode()}; none of them runs the model, so none waits for a pass (each holds the stream's lock for
 * a copy at most). Calls of one stream from several threads take effect in some order. Results are the same as a
 * {@link StreamingRecognizer} with the same options would give for the same samples, up to float rounding, however
 * the blocks and the {@code decode()} calls fall.
 */
public final class GroupedStream implements AutoCloseable {
    /** A block of samples as {@link #accept} took it. */
    record Block(float[] samples, int sampleRate) {
    }

    /**
     * What the decoding thread takes from the stream at once: the blocks queued since its last look, whether the
     * stream was reset before them (the recognizer starts again) and whether the audio has ended after them, and the
     * reset count they belong to (results of an older one are dropped).
     */
    record Intake(List<Block> blocks, boolean reset, boolean ended, long generation) {
    }

    private final StreamGroup group;
    /** Used by the thread in the group's {@code decode()} only. */
    private final StreamingTranscriber transcriber;

    // guarded by this
    private List<Block> inbox = new ArrayList<>();
    private boolean ended;
    private boolean resetPending;
    private long generation;
    private final List<Utterance> outbox = new ArrayList<>();
    private Utterance partial;
    private boolean finished;
    private boolean closed;
    private double seconds;

    GroupedStream(StreamGroup group, StreamingTranscriber transcriber) {
        this.group = group;
        this.transcriber = transcriber;
    }

    /**
     * Queues the next mono samples in [-1, 1] for the group's next {@code decode()}. A rate other than the previous
     * block's ends the audio at that rate and goes on at the new one, as for {@link StreamingRecognizer}.
     *
     * @param samples    the audio (copied, not kept)
     * @param from       the first sample to take
     * @param length     how many to take
     * @param sampleRate samples per second, 4 kHz to 384 kHz
     * @throws IndexOutOfBoundsException when the range is not inside {@code samples}
     * @throws IllegalArgumentException  when the rate is outside 4 kHz to 384 kHz
     * @throws IllegalStateException     after {@link #finish()} (until {@link #reset()}), or when the stream, its group
     *                                   or its model is closed
     */
    public void accept(float[] samples, int from, int length, int sampleRate) {
        Objects.checkFromIndexSize(from, length, samples.length);
        SampleRates.require(sampleRate);
        float[] copy = Arrays.copyOfRange(samples, from, from + length);
        synchronized (this) {
            requireOpen();
            if (ended) {
                throw new IllegalStateException("the stream is finished; reset it to start again");
            }
            inbox.add(new Block(copy, sampleRate));
            seconds += length / (double) sampleRate;
        }
    }

    /**
     * As {@link #accept(float[], int, int, int)}, for all of {@code samples}.
     *
     * @param samples    the audio (copied, not kept)
     * @param sampleRate samples per second, 4 kHz to 384 kHz
     */
    public void accept(float[] samples, int sampleRate) {
        accept(samples, 0, samples.length, sampleRate);
    }

    /**
     * As {@link #accept(float[], int, int, int)}, for 16-bit PCM samples.
     *
     * @param pcm        the audio
     * @param sampleRate samples per second, 4 kHz to 384 kHz
     */
    public void accept(short[] pcm, int sampleRate) {
        accept(Samples.fromPcm16(pcm), sampleRate);
    }

    /**
     * Ends the stream's audio: the group's next {@code decode()} recognizes what remains and gives the last utterances,
     * after which {@link #isFinished()} is true. {@link #accept} is refused from now until {@link #reset()}; finishing
     * again does nothing.
     *
     * @throws IllegalStateException when the stream, its group or its model is closed
     */
    public synchronized void finish() {
        requireOpen();
        ended = true;
    }

    /**
     * @return whether the stream was finished and the group's {@code decode()} has given its last utterances
     */
    public synchronized boolean isFinished() {
        return finished;
    }

    /**
     * The utterances the group's {@code decode()} calls completed since the last call of this, in order.
     *
     * @return them; usually none
     */
    public synchronized List<Utterance> takeUtterances() {
        List<Utterance> out = List.copyOf(outbox);
        outbox.clear();
        return out;
    }

    /**
     * The utterance in progress as of its latest partial result (the group's latest {@code decode()} that ran a chunk
     * of this stream).
     *
     * @return it, or null when no speech was heard since the last final result
     */
    public synchronized Utterance partial() {
        return partial;
    }

    /**
     * @return seconds of audio taken by {@link #accept} since the stream's start (or its last reset), at the rates it
     *         came in
     */
    public synchronized double seconds() {
        return seconds;
    }

    /**
     * Drops everything heard, queued and not yet taken, and starts again at time 0, as a new stream would.
     *
     * @throws IllegalStateException when the stream, its group or its model is closed
     */
    public synchronized void reset() {
        requireOpen();
        inbox = new ArrayList<>();
        outbox.clear();
        partial = null;
        ended = false;
        finished = false;
        seconds = 0;
        resetPending = true;
        generation++;
    }

    /** Leaves the group: its queued audio is dropped and {@code decode()} no longer sees it. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            inbox = new ArrayList<>();
        }
        group.remove(this);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this stream is closed");
        }
        group.requireOpen();
    }

    // the decoding thread's side

    StreamingTranscriber transcriber() {
        return transcriber;
    }

    /** Takes what was queued; null when there is nothing new (no audio, reset or end since the last look). */
    synchronized Intake take() {
        if (closed || (inbox.isEmpty() && !resetPending && (!ended || finished))) {
            return null;
        }
        Intake in = new Intake(inbox, resetPending, ended, generation);
        inbox = new ArrayList<>();
        resetPending = false;
        return in;
    }

    /**
     * Hands over what a decoding gave for the queued audio of reset count {@code generation}: dropped when the stream
     * was reset since.
     */
    synchronized void publish(long generation, List<Utterance> done, Utterance latest, boolean last) {
        if (generation != this.generation || closed) {
            return;
        }
        outbox.addAll(done);
        partial = latest;
        finished = last;
    }
}
