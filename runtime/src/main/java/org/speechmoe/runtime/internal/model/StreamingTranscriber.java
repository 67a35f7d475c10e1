package org.speechmoe.runtime.internal.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.speechmoe.runtime.internal.audio.AudioStream;
import org.speechmoe.runtime.internal.audio.PushedAudio;
import org.speechmoe.runtime.internal.audio.Samples;
import org.speechmoe.runtime.internal.audio.VoiceActivity;
import org.speechmoe.runtime.internal.decoder.FrameTiming;
import org.speechmoe.runtime.internal.decoder.EndpointRules;

/**
 * Recognition of audio that arrives in blocks (a microphone, a call), cut into utterances by {@link EndpointRules},
 * with a partial result of the utterance in progress. This is the approximate mode, for every model: the utterance
 * so far is recognized whole, with full context, each time another {@code partialInterval} of it has arrived (and
 * when an endpoint rule would fire), so a partial result can change its earlier words as more is heard, and an
 * utterance's final result is exactly what recognizing its samples alone gives. The cost is that of recognizing each
 * growing prefix, bounded by the longest utterance.
 *
 * <p>Results depend only on the samples, not on how they are cut into blocks: pushed audio is resampled exactly
 * ({@link org.speechmoe.runtime.internal.audio.Resampler}), and recognition happens at sample positions fixed by the
 * settings and by what was recognized before. Single-threaded.
 */
public final class StreamingTranscriber {
    /**
     * How a stream is recognized.
     *
     * @param partialInterval seconds of new audio between two recognitions of the utterance in progress
     * @param rules           when an utterance ends; its maximum length is at most the longest audio recognized in
     *                        one pass ({@link org.speechmoe.runtime.internal.audio.Segmenter#MAX_SECONDS})
     */
    public record Settings(double partialInterval, EndpointRules rules) {
    }

    /** Why an utterance ended. */
    public enum Ending { SILENCE_AFTER_SPEECH, MAX_LENGTH, END_OF_STREAM }

    /**
     * An utterance: a final one, or the one in progress as of its latest recognition.
     *
     * @param from   its first sample in the stream, at the model's rate
     * @param to     one past its last sample
     * @param ending         why it ended; null for the one in progress
     * @param computeSeconds how long the pass that recognized it took
     */
    public record Utterance(Transcriber.Transcription transcription, long from, long to, Ending ending,
            double computeSeconds) {
    }

    /** When nothing was said, this much of the dropped audio's end starts the next utterance: a word's onset. */
    private static final double KEPT_AFTER_SILENCE = 0.5;

    private final LoadedModel model;
    private final Transcriber transcriber;
    private final int rate;
    private final int interval;
    private final EndpointRules rules;
    private final int kept;

    /** What was pushed, at its own rate, and the same at the model's; null before the first push. */
    private PushedAudio pushed;
    private AudioStream resampled;
    private final float[] block = new float[1 << 14];
    /** The utterance in progress: samples {@code [start, start + length)} of the stream. */
    private final float[] utterance;
    private long start;
    private int length;
    /** Its length at its next recognition. */
    private int nextPass;
    /** Its latest recognition, of its first {@link #latestLength} samples; null when there was none. */
    private Pass latest;
    private int latestLength;
    private boolean finished;
    /** The levels of everything heard, for telling sound from silence under the frames the model calls speech. */
    private VoiceActivity levels;

    public StreamingTranscriber(LoadedModel model, Transcriber transcriber, Settings settings) {
        this.model = model;
        this.transcriber = transcriber;
        this.rate = model.config().features().sampleRate();
        this.rules = settings.rules();
        this.interval = Math.max(1, (int) Math.round(settings.partialInterval() * rate));
        this.kept = (int) (KEPT_AFTER_SILENCE * rate);
        this.utterance = new float[(int) Math.ceil(rules.maxUtterance() * rate)];
        reset();
    }

    /** Back to an empty stream at time 0. */
    public void reset() {
        pushed = null;
        resampled = null;
        start = 0;
        length = 0;
        nextPass = Math.min(interval, utterance.length);
        latest = null;
        finished = false;
        levels = new VoiceActivity(rate);
    }

    /**
     * Takes {@code samples[from, from + n)} at {@code sampleRate} and returns the utterances they complete. A new
     * rate ends the audio at the old one (as the end of a file would) and goes on at the new one.
     *
     * @throws IllegalStateException after {@link #finish()}
     */
    public List<Utterance> accept(float[] samples, int from, int n, int sampleRate) {
        if (finished) {
            throw new IllegalStateException("the stream has finished; reset it to start again");
        }
        List<Utterance> done = new ArrayList<>();
        if (pushed != null && pushed.sampleRate() != sampleRate) {
            pushed.end();
            drain(done);
            pushed = null;
        }
        if (pushed == null) {
            pushed = new PushedAudio(sampleRate);
            resampled = model.resample(pushed);
        }
        pushed.push(samples, from, n);
        drain(done);
        return done;
    }

    /** Ends the stream: the utterances that what remains completes, the last one included when anything was said. */
    public List<Utterance> finish() {
        List<Utterance> done = new ArrayList<>();
        if (finished) {
            return done;
        }
        if (pushed != null) {
            pushed.end();
            drain(done);
        }
        finished = true;
        if (length > 0) {
            Pass pass = latest != null && latestLength == length ? latest : recognize();
            if (hasSpeech(pass)) {
                done.add(utterance(pass, length, Ending.END_OF_STREAM));
            }
        }
        latest = null;
        return done;
    }

    /** The utterance in progress as of its latest recognition, or null when no speech was heard in it yet. */
    public Utterance partial() {
        return latest == null ? null : utterance(latest, latestLength, null);
    }

    /** Samples at the model's rate taken so far (the stream's time). */
    public long samples() {
        return start + length;
    }

    public int sampleRate() {
        return rate;
    }

    /** Moves what the resampler has into the utterance, recognizing it at each of its pass lengths. */
    private void drain(List<Utterance> done) {
        try {
            for (int n; (n = resampled.read(block)) > 0; ) {
                for (int at = 0; at < n; ) {
                    int take = Math.min(n - at, nextPass - length);
                    System.arraycopy(block, at, utterance, length, take);
                    levels.addSamples(utterance, length, take);
                    length += take;
                    at += take;
                    if (length == nextPass) {
                        pass(done);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Recognizes the utterance so far; ends it when a rule says so, or schedules its next pass. */
    private void pass(List<Utterance> done) {
        Pass pass = recognize();
        double seconds = length / (double) rate;
        EndpointRules.Rule rule = rules.check(seconds, pass.speechEnd());
        if (rule == null && length < utterance.length) {
            latest = hasSpeech(pass) ? pass : null;
            latestLength = length;
            int firing = (int) Math.ceil(rules.firing(pass.speechEnd()) * rate);
            nextPass = Math.min(utterance.length, Math.min(length + interval, Math.max(length + 1, firing)));
            return;
        }
        if (!hasSpeech(pass)) {
            int keep = Math.min(kept, length);
            System.arraycopy(utterance, length - keep, utterance, 0, keep);
            start += length - keep;
            length = keep;
        } else {
            done.add(utterance(pass, length, rule == EndpointRules.Rule.MAX_LENGTH || rule == null
                    ? Ending.MAX_LENGTH : Ending.SILENCE_AFTER_SPEECH));
            start += length;
            length = 0;
        }
        latest = null;
        nextPass = Math.min(utterance.length, length + interval);
    }

    private Pass recognize() {
        long started = System.nanoTime();
        Samples audio = new Samples(Arrays.copyOf(utterance, length), rate);
        Transcriber.UtterancePass pass = transcriber.recognize(audio, start);
        double speechEnd = EndpointRules.speechEnd(pass.logProbs(), model.timing(), audio.seconds(), this::heard);
        return new Pass(pass.transcription(), speechEnd, (System.nanoTime() - started) / 1e9);
    }

    /**
     * A recognition of the utterance so far and how long it took.
     *
     * @param speechEnd seconds from the utterance's start to the end of its speech ({@link EndpointRules#speechEnd})
     */
    private record Pass(Transcriber.Transcription transcription, double speechEnd, double seconds) {
    }

    /** Whether any 10 ms frame under the encoder's output frame {@code t} stands above the stream's noise floor. */
    private boolean heard(int t) {
        FrameTiming timing = model.timing();
        int from = (int) Math.max(0, Math.floor(timing.time(t) * rate));
        int to = (int) Math.min(length, Math.ceil((timing.time(t) + timing.step()) * rate));
        double threshold = levels.threshold();
        int hop = VoiceActivity.hop(rate);
        for (int f = from; f < to; f += hop) {
            if (VoiceActivity.energyDb(utterance, f, Math.min(to, f + hop)) > threshold) {
                return true;
            }
        }
        return false;
    }

    private Utterance utterance(Pass pass, int samples, Ending ending) {
        return new Utterance(pass.transcription(), start, start + samples, ending, pass.seconds());
    }

    /**
     * The model heard speech where there is sound. What it writes into silence alone (a muted microphone), or a
     * grammar's rejection of it, is no utterance: it would come every few seconds of a quiet stream.
     */
    private static boolean hasSpeech(Pass pass) {
        return pass.speechEnd() != EndpointRules.NO_SPEECH;
    }
}
