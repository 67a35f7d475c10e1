package org.speechmoe.runtime.internal.model;

import java.util.ArrayList;
import java.util.List;
import org.speechmoe.runtime.internal.audio.Samples;
import org.speechmoe.runtime.internal.audio.Segmentation;
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

    /** The decoded text of a recording and, per MoE block, how its router spread the frames. */
    public record Transcription(DecodedText text, List<RoutingStats> routing) {
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

    /**
     * Recognizes a recording segment by segment ({@link Segmentation}: one segment when it lasts at most
     * {@value Segmentation#MAX_SECONDS} s), so that memory stays bounded and time linear in its length; tokens keep
     * their times in the recording, and each segment reports the tokens that start in its keep range.
     */
    public Transcription transcribe(Samples audio) {
        Samples resampled = model.resample(audio);
        double rate = resampled.sampleRate();
        List<DecodedText> parts = new ArrayList<>();
        List<RoutingStats> stats = new ArrayList<>();
        List<Segmentation> segments = Segmentation.of(resampled);
        for (Segmentation segment : segments) {
            Samples piece = segments.size() == 1 ? resampled : segment.samples(resampled);
            Encoder.Output out = encode(piece);
            double offset = segment.from() / rate;
            List<TimedToken> kept = new ArrayList<>();
            for (TimedToken t : DecodedText.of(decode(out), model.config().tokens(), model.timing(), piece.seconds())
                    .tokens()) {
                double at = t.start() + offset;
                if (at >= segment.keepFrom() / rate && at < segment.keepTo() / rate) {
                    kept.add(offset == 0 ? t
                            : new TimedToken(t.id(), t.text(), at, t.end() + offset, t.probability()));
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
        return new Transcription(DecodedText.join(parts), stats);
    }

    /** The best token sequence of one pass: greedy, or the beam's first hypothesis. */
    private List<EmittedToken> decode(Encoder.Output out) {
        LogProbs logProbs = new LogProbs(out.logProbs(), out.frames(), out.vocab());
        return beamSearch == null ? CtcGreedy.decode(logProbs)
                : beamSearch.search(logProbs).stream().findFirst().map(h -> h.tokens()).orElse(List.of());
    }
}
