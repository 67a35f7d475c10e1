package org.speechmoe.runtime.internal.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.speechmoe.runtime.internal.audio.AudioStream;
import org.speechmoe.runtime.internal.audio.Samples;
import org.speechmoe.runtime.internal.audio.Segmentation;
import org.speechmoe.runtime.internal.audio.Segmenter;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.decoder.CtcGreedy;
import org.speechmoe.runtime.internal.decoder.BeamDecoder;
import org.speechmoe.runtime.internal.decoder.DecodedText;
import org.speechmoe.runtime.internal.decoder.EmittedToken;
import org.speechmoe.runtime.internal.decoder.LogProbs;
import org.speechmoe.runtime.internal.decoder.SearchOptions;
import org.speechmoe.runtime.internal.decoder.SearchResult;
import org.speechmoe.runtime.internal.decoder.TimedToken;
import org.speechmoe.format.ModelFormatException;
import org.speechmoe.runtime.internal.encoder.Encoder;
import org.speechmoe.runtime.internal.encoder.EncoderStream;
import org.speechmoe.runtime.internal.features.FeatureStream;
import org.speechmoe.runtime.internal.features.Features;
import org.speechmoe.runtime.internal.moe.Routing;
import org.speechmoe.runtime.internal.moe.RoutingStats;
import org.speechmoe.runtime.internal.state.RecognizerState;

/**
 * One recognizer's passes over a shared model: its backend, its state and its decoder. Single-threaded, like the
 * recognizer that owns it.
 */
public final class Transcriber {
    /** Samples read from the audio at a time. */
    private static final int READ_SAMPLES = 1 << 16;

    /**
     * The decoded text of a recording, per MoE block how its router spread the frames, and how long it lasts.
     *
     * @param alternatives the best distinct texts with their confidences, best first (only the text for a recording
     *                     of several segments); empty for greedy decoding, or when rejected
     * @param rejected     every segment was rejected by the grammar (the text is then empty)
     */
    public record Transcription(DecodedText text, List<SearchResult.Alternative> alternatives, boolean rejected,
            List<RoutingStats> routing, double audioSeconds) {
    }

    private final LoadedModel model;
    private final Backend backend;
    private final RecognizerState state = new RecognizerState();
    /** Null for greedy decoding. */
    private final BeamDecoder beamSearch;

    /**
     * @param search the beam search's options, or null for greedy decoding
     * @throws IllegalArgumentException when a hotword or grammar phrase has a character the model cannot spell
     */
    public Transcriber(LoadedModel model, Backend backend, SearchOptions search) {
        this.model = model;
        this.backend = backend;
        this.beamSearch = search == null ? null : new BeamDecoder(search, model.config().tokens());
    }

    /** The whole recording in one pass: the encoder's log-probabilities and routes, as the reference computes them. */
    public Encoder.Output encode(Samples audio) {
        return model.encode(backend, state, audio);
    }

    /** As {@link #encode(Samples)}, chunk by chunk: {@link LoadedModel#encodeChunked}. */
    public Encoder.Output encode(Samples audio, int chunkSize, int leftChunks) {
        return model.encodeChunked(backend, state, audio, chunkSize, leftChunks);
    }

    /** As {@link #transcribe(AudioStream)}, for samples in memory. */
    public Transcription transcribe(Samples audio) {
        try {
            return transcribe(AudioStream.of(audio));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Recognizes a recording segment by segment as it is read ({@link Segmenter}: one segment when it lasts at most
     * {@value Segmenter#MAX_SECONDS} s), so that memory stays bounded and time linear in its length; tokens keep
     * their times in the recording, and each segment reports the tokens that start in its keep range.
     *
     * @throws IOException when reading the audio fails
     */
    public Transcription transcribe(AudioStream audio) throws IOException {
        long[] sourceSamples = new long[1];
        AudioStream counted = new AudioStream() {
            @Override
            public int sampleRate() {
                return audio.sampleRate();
            }

            @Override
            public int read(float[] buffer) throws IOException {
                int n = audio.read(buffer);
                sourceSamples[0] += Math.max(0, n);
                return n;
            }
        };
        AudioStream input = model.resample(counted);
        Segmenter segmenter = new Segmenter(input.sampleRate());
        Segments segments = new Segments();
        float[] block = new float[READ_SAMPLES];
        for (int n; (n = input.read(block)) >= 0; ) {
            segmenter.accept(block, n, segments::recognize);
        }
        segmenter.finish(segments::recognize);
        return segments.transcription(sourceSamples[0] / (double) audio.sampleRate());
    }

    /**
     * Decodes log-probabilities computed before, as one segment: for trying decoding options without running the
     * encoder again. The audio is taken to end with the last frame's span.
     */
    public Transcription decode(LogProbs logProbs) {
        Segments one = new Segments();
        double seconds = logProbs.frames() == 0 ? 0
                : model.timing().time(logProbs.frames() - 1) + model.timing().step();
        one.decode(new Segmentation(0, 0, 0, Long.MAX_VALUE), 1, seconds, logProbs);
        return one.transcription(seconds);
    }

    /** One utterance of a stream recognized whole, and the log-probabilities that tell where its speech ends. */
    public record UtterancePass(Transcription transcription, LogProbs logProbs) {
    }

    /**
     * An utterance of a stream in one pass, as {@link #transcribe(Samples)} would give it for these samples alone,
     * with its token times counted from the stream's start: it starts at sample {@code from} of the stream (at the
     * model's rate, as {@code utterance} is).
     */
    public UtterancePass recognize(Samples utterance, long from) {
        Segments one = new Segments();
        int n = utterance.samples().length;
        LogProbs logProbs = one.recognize(new Segmentation(from, from + n, from, Long.MAX_VALUE), utterance);
        return new UtterancePass(one.transcription(utterance.seconds()), logProbs);
    }

    /**
     * Frames {@code [from, to)} of a stream's encoder output as one utterance that starts at sample {@code start} of
     * the stream (at the model's rate): decoded, with its token times in the stream's clock and its routing.
     */
    public UtterancePass decode(Encoder.Output out, int from, int to, long start) {
        Encoder.Output part = from == 0 && to == out.frames() ? out : out.slice(from, to);
        Segments one = new Segments();
        LogProbs logProbs = new LogProbs(part.logProbs(), part.frames(), part.vocab());
        double seconds = part.frames() == 0 ? 0 : model.timing().time(part.frames() - 1) + model.timing().step();
        int rate = model.config().features().sampleRate();
        one.decode(new Segmentation(start, start + Math.round(seconds * rate), start, Long.MAX_VALUE), rate, seconds,
                logProbs);
        one.count(part.routings());
        return new UtterancePass(one.transcription(seconds), logProbs);
    }

    /**
     * A causal model's encoder fed as audio arrives, exactly: samples at the model's rate go through a
     * {@link FeatureStream} and an {@link EncoderStream}, on this transcriber's backend and state.
     */
    public final class ChunkedEncoder {
        private final FeatureStream features;
        private final EncoderStream encoder;

        private ChunkedEncoder(int chunkSize, int leftChunks) {
            this.encoder = model.encoder().stream(chunkSize, leftChunks);
            this.features = model.featureStream();
        }

        /** Takes {@code samples[0, n)}; the output frames of the chunks they complete. */
        public Encoder.Output accept(float[] samples, int n) {
            Features rows = features.accept(samples, n);
            return encoder.accept(backend, state, rows.data(), rows.frames());
        }

        /** The output frames of what remains, as a last, shorter chunk. */
        public Encoder.Output finish() {
            return encoder.finish(backend, state);
        }

        /**
         * Takes {@code samples[0, n)} as {@link #accept} does, without running the chunks they complete: they wait
         * in {@link #stream()} for a pass shared with other streams.
         */
        public void queue(float[] samples, int n) {
            Features rows = features.accept(samples, n);
            encoder.push(rows.data(), rows.frames());
        }

        /** Ends the features: what remains waits in {@link #stream()} as a last, shorter chunk. */
        public void end() {
            encoder.end();
        }

        /** The encoder stream the features go to. */
        public EncoderStream stream() {
            return encoder;
        }
    }

    /**
     * An exact chunked encoder for a stream of a causal model.
     *
     * @throws IllegalStateException    for a full-context model
     * @throws IllegalArgumentException for a chunk size below 1
     * @throws UncheckedIOException     when a weight matrix is damaged
     */
    public ChunkedEncoder chunked(int chunkSize, int leftChunks) {
        try {
            model.requireIntact();
        } catch (ModelFormatException e) {
            throw new UncheckedIOException(e);
        }
        return new ChunkedEncoder(chunkSize, leftChunks);
    }

    /** What the segments of one recording gave so far. */
    private final class Segments {
        private final List<DecodedText> parts = new ArrayList<>();
        private final List<RoutingStats> stats = new ArrayList<>();
        /** Per segment, its decoding (null for greedy decoding). */
        private final List<SearchResult> results = new ArrayList<>();

        /** Encodes and decodes one segment; returns its log-probabilities. */
        LogProbs recognize(Segmentation segment, Samples piece) {
            Encoder.Output out = encode(piece);
            LogProbs logProbs = new LogProbs(out.logProbs(), out.frames(), out.vocab());
            decode(segment, piece.sampleRate(), piece.seconds(), logProbs);
            count(out.routings());
            return logProbs;
        }

        /** Adds a segment's routing to the recording's. */
        void count(List<Routing> routings) {
            for (int b = 0; b < routings.size(); b++) {
                RoutingStats s = RoutingStats.of(routings.get(b));
                if (b < stats.size()) {
                    stats.set(b, stats.get(b).plus(s));
                } else {
                    stats.add(s);
                }
            }
        }

        void decode(Segmentation segment, double sampleRate, double seconds, LogProbs logProbs) {
            SearchResult result = beamSearch == null ? null : beamSearch.decode(logProbs);
            results.add(result);
            List<EmittedToken> best = result == null ? CtcGreedy.decode(logProbs)
                    : result.rejected() ? List.of() : result.alternatives().getFirst().tokens();
            parts.add(kept(segment, sampleRate, seconds, best));
        }

        /**
         * The recording's transcription. A recording of one segment lists that segment's alternatives; one of several
         * lists only its joined text, with the product of the segments' best confidences: alternatives of a whole
         * long recording would be combinations of the segments' ones, of little use to anyone.
         */
        Transcription transcription(double audioSeconds) {
            DecodedText text = DecodedText.join(parts);
            boolean rejected = !results.isEmpty() && results.stream().allMatch(r -> r != null && r.rejected());
            if (rejected) {
                return new Transcription(text, List.of(), true, stats, audioSeconds);
            }
            if (beamSearch == null) {
                return new Transcription(text, List.of(), false, stats, audioSeconds);
            }
            if (results.size() == 1) {
                return new Transcription(text, results.getFirst().alternatives(), false, stats, audioSeconds);
            }
            double confidence = 1;
            for (SearchResult r : results) {
                confidence *= r.rejected() ? 1 : r.alternatives().getFirst().confidence();
            }
            List<EmittedToken> none = List.of();
            return new Transcription(text, List.of(new SearchResult.Alternative(none, text.text(), 0, 0, confidence)),
                    false, stats, audioSeconds);
        }
    }

    /** The tokens of {@code best} that start in {@code segment}'s keep range, in the recording's time. */
    private DecodedText kept(Segmentation segment, double rate, double seconds, List<EmittedToken> best) {
        double offset = segment.from() / rate;
        List<TimedToken> kept = new ArrayList<>();
        for (TimedToken t : DecodedText.of(best, model.config().tokens(), model.timing(), seconds).tokens()) {
            double at = t.start() + offset;
            if (segment.keeps(at, rate)) {
                kept.add(offset == 0 ? t : new TimedToken(t.id(), t.text(), at, t.end() + offset, t.probability()));
            }
        }
        return DecodedText.ofTokens(kept);
    }

}
