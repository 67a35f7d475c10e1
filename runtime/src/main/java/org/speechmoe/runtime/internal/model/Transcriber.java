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
import org.speechmoe.runtime.internal.decoder.CtcPrefixBeamSearch;
import org.speechmoe.runtime.internal.decoder.DecodedText;
import org.speechmoe.runtime.internal.decoder.EmittedToken;
import org.speechmoe.runtime.internal.decoder.LogProbs;
import org.speechmoe.runtime.internal.decoder.TimedToken;
import org.speechmoe.runtime.internal.encoder.Encoder;
import org.speechmoe.runtime.internal.moe.RoutingStats;
import org.speechmoe.runtime.internal.state.RecognizerState;

/**
 * One recognizer's passes over a shared model: its backend, its state and its decoder. Single-threaded, like the
 * recognizer that owns it.
 */
public final class Transcriber {
    /** Beam search looks at this many of each frame's most probable tokens per prefix it keeps. */
    private static final int TOKENS_PER_FRAME_PER_BEAM = 4;
    /** Samples read from the audio at a time. */
    private static final int READ_SAMPLES = 1 << 16;

    /** The decoded text of a recording, per MoE block how its router spread the frames, and how long it lasts. */
    public record Transcription(DecodedText text, List<RoutingStats> routing, double audioSeconds) {
    }

    private final LoadedModel model;
    private final Backend backend;
    private final RecognizerState state = new RecognizerState();
    /** Null for greedy decoding. */
    private final CtcPrefixBeamSearch beamSearch;

    public Transcriber(LoadedModel model, Backend backend, int beamWidth) {
        this.model = model;
        this.backend = backend;
        this.beamSearch = beamWidth == 1 ? null : new CtcPrefixBeamSearch(beamWidth,
                Math.max(16, TOKENS_PER_FRAME_PER_BEAM * beamWidth), Float.NEGATIVE_INFINITY);
    }

    /** The whole recording in one pass: the encoder's log-probabilities and routes, as the reference computes them. */
    public Encoder.Output encode(Samples audio) {
        return model.encode(backend, state, audio);
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
        List<DecodedText> parts = new ArrayList<>();
        List<RoutingStats> stats = new ArrayList<>();
        Segmenter.Sink recognize = (segment, piece) -> recognize(segment, piece, parts, stats);
        float[] block = new float[READ_SAMPLES];
        for (int n; (n = input.read(block)) >= 0; ) {
            segmenter.accept(block, n, recognize);
        }
        segmenter.finish(recognize);
        return new Transcription(DecodedText.join(parts), stats, sourceSamples[0] / (double) audio.sampleRate());
    }

    private void recognize(Segmentation segment, Samples piece, List<DecodedText> parts, List<RoutingStats> stats) {
        Encoder.Output out = encode(piece);
        double rate = piece.sampleRate();
        double offset = segment.from() / rate;
        List<TimedToken> kept = new ArrayList<>();
        for (TimedToken t : DecodedText.of(decode(out), model.config().tokens(), model.timing(), piece.seconds())
                .tokens()) {
            double at = t.start() + offset;
            if (segment.keeps(at, rate)) {
                kept.add(offset == 0 ? t : new TimedToken(t.id(), t.text(), at, t.end() + offset, t.probability()));
            }
        }
        parts.add(DecodedText.ofTokens(kept));
        for (int b = 0; b < out.routings().size(); b++) {
            RoutingStats s = RoutingStats.of(out.routings().get(b));
            if (b < stats.size()) {
                stats.set(b, stats.get(b).plus(s));
            } else {
                stats.add(s);
            }
        }
    }

    /** The best token sequence of one pass: greedy, or the beam's first hypothesis. */
    private List<EmittedToken> decode(Encoder.Output out) {
        LogProbs logProbs = new LogProbs(out.logProbs(), out.frames(), out.vocab());
        return beamSearch == null ? CtcGreedy.decode(logProbs)
                : beamSearch.search(logProbs).stream().findFirst().map(h -> h.tokens()).orElse(List.of());
    }
}
