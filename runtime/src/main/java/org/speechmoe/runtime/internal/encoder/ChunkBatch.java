package org.speechmoe.runtime.internal.encoder;

import java.util.ArrayList;
import java.util.List;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.state.RecognizerState;

/**
 * Runs the ready chunks of several streams of one encoder, the chunks of different streams in shared passes
 * ({@link Encoder#forward(Backend, RecognizerState, List, EncoderTrace)}): each pass takes the next chunk of every
 * stream that has one, so a stream with three chunks waiting is in three passes, and the streams' chunks of each pass
 * share every matrix multiply. Each stream's outputs equal what running it alone gives, up to float rounding.
 */
public final class ChunkBatch {
    /**
     * Output frames of one pass at most: bounds the scratch of a pass (its activations are this many rows of each
     * layer's width) when many streams have long chunks waiting; more than enough for the matrix multiplies to reach
     * their speed.
     */
    static final int MAX_FRAMES_PER_PASS = 2048;

    private ChunkBatch() {
    }

    /**
     * Runs every chunk that {@code streams} have ready (after {@link EncoderStream#end()}, a stream's last one too).
     * The streams must be distinct and of one encoder. A single stream's chunks record into its trace.
     *
     * @return per stream, in order, the log-probabilities and routings of the chunks it ran (0 frames when none)
     */
    public static List<Encoder.Output> run(Backend backend, RecognizerState state, List<EncoderStream> streams) {
        List<List<Encoder.Output>> outputs = new ArrayList<>(streams.size());
        for (int i = 0; i < streams.size(); i++) {
            outputs.add(new ArrayList<>());
        }
        if (streams.isEmpty()) {
            return List.of();
        }
        Encoder encoder = streams.getFirst().encoder();
        EncoderTrace trace = streams.size() == 1 ? streams.getFirst().trace() : EncoderTrace.NONE;
        try {
            while (true) {
                List<Integer> members = new ArrayList<>();
                List<Encoder.Chunk> chunks = new ArrayList<>();
                int frames = 0;
                for (int i = 0; i < streams.size(); i++) {
                    EncoderStream s = streams.get(i);
                    if (s.encoder() != encoder) {
                        throw new IllegalArgumentException("the streams of a batch must share one encoder");
                    }
                    Encoder.Chunk c = frames >= MAX_FRAMES_PER_PASS ? null : s.nextChunk();
                    if (c != null) {
                        members.add(i);
                        chunks.add(c);
                        frames += c.frames();
                    }
                }
                if (chunks.isEmpty()) {
                    break;
                }
                List<Encoder.Output> out = encoder.forward(backend, state, chunks, trace);
                for (int k = 0; k < chunks.size(); k++) {
                    int i = members.get(k);
                    streams.get(i).advance(chunks.get(k));
                    outputs.get(i).add(out.get(k));
                }
            }
        } finally {
            state.release();
        }
        List<Encoder.Output> joined = new ArrayList<>(streams.size());
        for (List<Encoder.Output> o : outputs) {
            joined.add(EncoderStream.concat(o, encoder.vocab()));
        }
        return joined;
    }
}
