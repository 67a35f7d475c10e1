package org.speechmoe.runtime.internal.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;
import org.speechmoe.runtime.internal.audio.AudioStream;
import org.speechmoe.runtime.internal.audio.PushedAudio;
import org.speechmoe.runtime.internal.audio.Samples;
import org.speechmoe.runtime.internal.audio.VoiceActivity;
import org.speechmoe.runtime.internal.decoder.EndpointRules;
import org.speechmoe.runtime.internal.decoder.FrameTiming;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.encoder.ChunkBatch;
import org.speechmoe.runtime.internal.encoder.Encoder;
import org.speechmoe.runtime.internal.encoder.EncoderStream;
import org.speechmoe.runtime.internal.state.RecognizerState;

/**
 * Recognition of audio that arrives in blocks (a microphone, a call), cut into utterances by {@link EndpointRules},
 * with a partial result of the utterance in progress. Two modes:
 * <ul>
 * <li><b>exact</b>, for causal models: the audio goes through a chunked encoder as it arrives
 *     ({@link Transcriber.ChunkedEncoder}), each chunk's log-probabilities are computed once, and an utterance is
 *     decoded from the frames it spans: what the chunk-masked model computes, with no pass repeated;</li>
 * <li><b>approximate</b>, for every model: the utterance so far is recognized whole, with full context, each time
 *     another {@code partialInterval} of it has arrived (and when an endpoint rule would fire), so a partial result
 *     can change its earlier words as more is heard, and an utterance's final result is what recognizing its samples
 *     alone gives. The cost is that of recognizing each growing prefix, bounded by the longest utterance.</li>
 * </ul>
 *
 * <p>Results depend only on the samples, not on how they are cut into blocks: pushed audio is resampled exactly
 * ({@link org.speechmoe.runtime.internal.audio.Resampler}), and the utterance in progress is looked at only at
 * positions fixed by the settings and by what was recognized before (a sample count in approximate mode, a chunk
 * boundary in exact mode), with the levels of the audio up to there. Single-threaded.
 */
public final class StreamingTranscriber {
    /**
     * How a stream is recognized.
     *
     * @param partialInterval seconds of new audio between two looks at the utterance in progress
     * @param rules           when an utterance ends; its maximum length is at most the longest audio recognized in
     *                        one pass ({@link org.speechmoe.runtime.internal.audio.Segmenter#MAX_SECONDS})
     * @param chunkSize       output frames per chunk of the exact mode; 0 for the approximate mode
     * @param leftChunks      in exact mode, earlier chunks the attention keeps (negative: all)
     * @param batched         exact mode only: the encoder's chunks wait for a pass shared with other streams
     *                        ({@link #runBatched}) instead of running in {@link #accept}
     */
    public record Settings(double partialInterval, EndpointRules rules, int chunkSize, int leftChunks,
            boolean batched) {
        public Settings {
            if (batched && chunkSize <= 0) {
                throw new IllegalArgumentException("only exact streams (a chunk size) run in shared passes");
            }
        }
    }

    /** Why an utterance ended. */
    public enum Ending { SILENCE_AFTER_SPEECH, MAX_LENGTH, END_OF_STREAM }

    /**
     * An utterance: a final one, or the one in progress as of its latest recognition.
     *
     * @param from           its first sample in the stream, at the model's rate
     * @param to             one past its last sample
     * @param ending         why it ended; null for the one in progress
     * @param computeSeconds how long the pass that recognized it took
     */
    public record Utterance(Transcriber.Transcription transcription, long from, long to, Ending ending,
            double computeSeconds) {
    }

    /** When nothing was said, this much of the dropped audio's end starts the next utterance: a word's onset. */
    private static final double KEPT_AFTER_SILENCE = 0.5;
    /**
     * A final result recognizes the utterance's speech with this much audio before and after it, not the silence
     * around it: a model may write words into long silence, and a grammar then rejects a command it would accept
     * alone. More after than before: a word's last sound trails off after the spike of its last token.
     */
    private static final double MARGIN_BEFORE = 0.2;
    private static final double MARGIN_AFTER = 0.4;
    /** Seconds around an output frame in which its sound may lie. */
    private static final double SOUND_NEIGHBOURHOOD = 0.15;

    private final LoadedModel model;
    private final Transcriber transcriber;
    private final int rate;
    private final int interval;
    private final EndpointRules rules;
    private final int kept;
    private final int marginBefore;
    private final int marginAfter;

    /** What was pushed, at its own rate, and the same at the model's; null before the first push. */
    private PushedAudio pushed;
    private AudioStream resampled;
    private final float[] block = new float[1 << 14];
    /** The longest utterance, in samples. */
    private final int maxLength;
    /**
     * The utterance in progress: samples {@code [start, start + length)} of the stream, of which the first
     * {@link #covered()} are what it is recognized from (in exact mode, samples past the last chunk wait for the
     * next one).
     */
    private float[] utterance;
    private long start;
    private int length;
    /** Samples of the utterance whose levels {@link #levels} has counted. */
    private int levelled;
    /** Its covered length at its next recognition. */
    private int nextPass;
    /** Its latest recognition, of its first {@link #latestLength} samples; null when there was none. */
    private Pass latest;
    private int latestLength;
    private boolean finished;
    /** A batched stream whose audio has ended, waiting for its last chunk. */
    private boolean ending;
    /** The levels of everything heard, for telling sound from silence under the frames the model calls speech. */
    private VoiceActivity levels;

    /** Exact mode: the chunked encoder and the frames of the utterance so far; null in approximate mode. */
    private final Settings settings;
    private Transcriber.ChunkedEncoder chunked;
    private Encoder.Output frames;
    /** Samples an output frame advances by. */
    private final int frameSamples;

    public StreamingTranscriber(LoadedModel model, Transcriber transcriber, Settings settings) {
        this.model = model;
        this.transcriber = transcriber;
        this.rate = model.config().features().sampleRate();
        this.rules = settings.rules();
        this.interval = Math.max(1, (int) Math.round(settings.partialInterval() * rate));
        this.kept = (int) (KEPT_AFTER_SILENCE * rate);
        this.marginBefore = (int) (MARGIN_BEFORE * rate);
        this.marginAfter = (int) (MARGIN_AFTER * rate);
        this.maxLength = (int) Math.ceil(rules.maxUtterance() * rate);
        this.settings = settings;
        this.frameSamples = (int) Math.round(model.timing().step() * rate);
        this.utterance = new float[Math.min(maxLength, 1 << 16)];
        reset();
    }

    private boolean exact() {
        return settings.chunkSize() > 0;
    }

    /** Back to an empty stream at time 0. */
    public void reset() {
        pushed = null;
        resampled = null;
        start = 0;
        length = 0;
        levelled = 0;
        nextPass = Math.min(interval, maxLength);
        latest = null;
        finished = false;
        ending = false;
        levels = new VoiceActivity(rate);
        if (exact()) {
            chunked = transcriber.chunked(settings.chunkSize(), settings.leftChunks());
            frames = new Encoder.Output(new float[0], 0, model.config().vocabSize(), List.of());
        }
    }

    /** The samples of the utterance it is recognized from: all in approximate mode, those of its frames in exact. */
    private int covered() {
        return exact() ? frames.frames() * frameSamples : length;
    }

    /**
     * Takes {@code samples[from, from + n)} at {@code sampleRate} and returns the utterances they complete. A new
     * rate ends the audio at the old one (as the end of a file would) and goes on at the new one.
     *
     * @throws IllegalStateException after {@link #finish()}
     */
    public List<Utterance> accept(float[] samples, int from, int n, int sampleRate) {
        if (finished || ending) {
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
        if (settings.batched()) {
            throw new IllegalStateException("a batched stream ends with end() and its last pass in runBatched");
        }
        endAudio(done);
        finished = true;
        if (exact()) {
            frames(chunked.finish(), done);
        }
        lastUtterance(done);
        return done;
    }

    /**
     * A batched stream's end: takes what the resampler holds and marks the encoder's rest as its last chunk; the next
     * {@link #runBatched} runs it and gives the last utterances. {@link #accept} is refused after it.
     */
    public void end() {
        if (finished || ending) {
            return;
        }
        List<Utterance> none = new ArrayList<>();
        endAudio(none);
        chunked.end();
        ending = true;
    }

    /** Whether the stream has ended and given its last utterances. */
    public boolean isFinished() {
        return finished;
    }

    /**
     * Runs the chunks the batched streams have waiting in shared encoder passes ({@link ChunkBatch}), on
     * {@code backend} and {@code state} (of the caller: the streams' own are not used), then decodes each stream's
     * new frames as its {@link #accept} would have.
     *
     * @return per stream, in order, the utterances its frames completed (the last ones of a stream that has ended)
     */
    public static List<List<Utterance>> runBatched(Backend backend, RecognizerState state,
                                                   List<StreamingTranscriber> streams) {
        List<EncoderStream> encoders = new ArrayList<>(streams.size());
        for (StreamingTranscriber s : streams) {
            if (!s.settings.batched() || s.finished) {
                throw new IllegalArgumentException("only batched streams that have not finished run in shared passes");
            }
            encoders.add(s.chunked.stream());
        }
        List<Encoder.Output> outputs = ChunkBatch.run(backend, state, encoders);
        List<List<Utterance>> results = new ArrayList<>(streams.size());
        for (int i = 0; i < streams.size(); i++) {
            StreamingTranscriber s = streams.get(i);
            List<Utterance> done = new ArrayList<>();
            s.frames(outputs.get(i), done);
            if (s.ending && s.chunked.stream().isFinished()) {
                s.finished = true;
                s.lastUtterance(done);
            }
            results.add(done);
        }
        return results;
    }

    /** The audio ends: what the resampler holds goes in. */
    private void endAudio(List<Utterance> done) {
        if (pushed != null) {
            pushed.end();
            drain(done);
        }
    }

    /** The utterance that the stream's end cuts, when anything was said in it. */
    private void lastUtterance(List<Utterance> done) {
        int covered = covered();
        if (covered > 0) {
            Pass pass = latest != null && latestLength == covered ? latest : recognize(0, covered);
            if (hasSpeech(pass)) {
                done.add(finalResult(pass, true, Ending.END_OF_STREAM));
            }
        }
        latest = null;
    }

    /** The utterance in progress as of its latest recognition, or null when no speech was heard in it yet. */
    public Utterance partial() {
        return latest == null ? null : new Utterance(latest.transcription(), start, start + latestLength, null,
                latest.seconds());
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
                if (exact()) {
                    append(block, 0, n);
                    if (settings.batched()) {
                        chunked.queue(block, n);
                    } else {
                        frames(chunked.accept(block, n), done);
                    }
                    continue;
                }
                for (int at = 0; at < n; ) {
                    int take = Math.min(n - at, nextPass - length);
                    append(block, at, take);
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

    private void append(float[] samples, int from, int n) {
        if (length + n > utterance.length) {
            utterance = Arrays.copyOf(utterance, Math.max(length + n, 2 * utterance.length));
        }
        System.arraycopy(samples, from, utterance, length, n);
        length += n;
    }

    /**
     * Exact mode: takes the encoder's new frames chunk by chunk, looking at the utterance after each chunk that
     * reaches its next pass length, as if the audio had come a chunk at a time.
     */
    private void frames(Encoder.Output out, List<Utterance> done) {
        int chunk = settings.chunkSize();
        for (int at = 0; at < out.frames(); at += chunk) {
            Encoder.Output piece = out.frames() <= chunk ? out : out.slice(at, Math.min(out.frames(), at + chunk));
            frames = frames.frames() == 0 ? piece : EncoderStream.concat(List.of(frames, piece), frames.vocab());
            if (covered() >= nextPass) {
                pass(done);
            }
        }
    }

    /** Recognizes the utterance so far; ends it when a rule says so, or schedules its next pass. */
    private void pass(List<Utterance> done) {
        int covered = covered();
        if (levelled < covered) {
            levels.addSamples(utterance, levelled, covered - levelled);
            levelled = covered;
        }
        Pass pass = recognize(0, covered);
        double seconds = covered / (double) rate;
        EndpointRules.Rule rule = rules.check(seconds, pass.speechEnd());
        if (rule == null && covered < maxLength) {
            latest = hasSpeech(pass) ? pass : null;
            latestLength = covered;
            int firing = (int) Math.ceil(rules.firing(pass.speechEnd()) * rate);
            nextPass = Math.min(maxLength, Math.min(covered + interval, Math.max(covered + 1, firing)));
            return;
        }
        if (!hasSpeech(pass)) {
            drop(covered - Math.min(kept, covered));
        } else {
            boolean cut = rule == EndpointRules.Rule.MAX_LENGTH || rule == null;
            done.add(finalResult(pass, !cut, cut ? Ending.MAX_LENGTH : Ending.SILENCE_AFTER_SPEECH));
            drop(covered);
        }
        latest = null;
        nextPass = Math.min(maxLength, covered() + interval);
    }

    /** Ends the utterance's first {@code n} samples (whole frames in exact mode): the rest starts the next one. */
    private void drop(int n) {
        if (exact()) {
            int f = n / frameSamples;
            frames = frames.slice(f, frames.frames());
            n = f * frameSamples;
        }
        System.arraycopy(utterance, n, utterance, 0, length - n);
        length -= n;
        levelled = Math.max(0, levelled - n);
        start += n;
    }

    /**
     * Recognizes samples {@code [from, to)} of the utterance: in approximate mode a pass of the model over them, in
     * exact mode a decoding of the frames they span (they start and end on frame boundaries there).
     */
    private Pass recognize(int from, int to) {
        long started = System.nanoTime();
        Transcriber.UtterancePass pass = exact()
                ? transcriber.decode(frames, from / frameSamples, to / frameSamples, start + from)
                : transcriber.recognize(new Samples(Arrays.copyOfRange(utterance, from, to), rate), start + from);
        double seconds = (to - from) / (double) rate;
        double threshold = levels.threshold();
        IntPredicate heard = t -> heard(from, to, t, threshold);
        double speechStart = EndpointRules.speechStart(pass.logProbs(), model.timing(), seconds, heard);
        double speechEnd = EndpointRules.speechEnd(pass.logProbs(), model.timing(), seconds, heard);
        return new Pass(pass.transcription(), from, to, speechStart, speechEnd, (System.nanoTime() - started) / 1e9);
    }

    /**
     * The final result of the utterance that {@code pass} recognized whole: its speech with {@link #MARGIN_BEFORE}
     * and {@link #MARGIN_AFTER} (only the first, when {@code trimEnd} is false: speech may go on past a cut),
     * recognized again unless that is the whole utterance.
     */
    private Utterance finalResult(Pass pass, boolean trimEnd, Ending ending) {
        int from = (int) Math.max(pass.from(), pass.from() + Math.floor(pass.speechStart() * rate) - marginBefore);
        int to = trimEnd ? (int) Math.min(pass.to(), pass.from() + Math.ceil(pass.speechEnd() * rate) + marginAfter)
                : pass.to();
        if (exact()) {
            from = from / frameSamples * frameSamples;
            to = Math.min(pass.to(), (to + frameSamples - 1) / frameSamples * frameSamples);
        }
        Pass last = from == pass.from() && to == pass.to() ? pass : recognize(from, to);
        return new Utterance(last.transcription(), start + from, start + to, ending, last.seconds());
    }

    /**
     * A recognition of samples {@code [from, to)} of the utterance and how long it took.
     *
     * @param speechStart seconds from the utterance's start to the start of its speech
     *                    ({@link EndpointRules#speechStart}), or {@link EndpointRules#NO_SPEECH}
     * @param speechEnd   seconds from the utterance's start to the end of its speech ({@link EndpointRules#speechEnd})
     */
    private record Pass(Transcriber.Transcription transcription, int from, int to, double speechStart,
            double speechEnd, double seconds) {
    }

    /**
     * Whether any 10 ms frame near the encoder's output frame {@code t} of a pass over samples {@code [from, to)}
     * stands above the stream's noise floor ({@code threshold}): within {@link #SOUND_NEIGHBOURHOOD} of the frame's own span, since CTC
     * may place a token's spike a little before or after its sound, and a word's last sound (an unvoiced consonant)
     * is often its quietest.
     */
    private boolean heard(int from, int to, int t, double threshold) {
        FrameTiming timing = model.timing();
        int first = from + (int) Math.max(0, Math.floor((timing.time(t) - SOUND_NEIGHBOURHOOD) * rate));
        int end = Math.min(to, from + (int) Math.ceil((timing.time(t) + timing.step() + SOUND_NEIGHBOURHOOD) * rate));
        int hop = VoiceActivity.hop(rate);
        for (int f = first; f < end; f += hop) {
            if (VoiceActivity.energyDb(utterance, f, Math.min(end, f + hop)) > threshold) {
                return true;
            }
        }
        return false;
    }

    /**
     * The model heard speech where there is sound. What it writes into silence alone (a muted microphone), or a
     * grammar's rejection of it, is no utterance: it would come every few seconds of a quiet stream.
     */
    private static boolean hasSpeech(Pass pass) {
        return pass.speechEnd() != EndpointRules.NO_SPEECH;
    }
}
