package org.speechmoe.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.speechmoe.runtime.api.Alternative;
import org.speechmoe.runtime.api.ExpertUsage;
import org.speechmoe.runtime.api.Token;
import org.speechmoe.runtime.api.Transcript;
import org.speechmoe.runtime.api.Word;

/**
 * A transcript as a JSON object: {@code file}, {@code text}, {@code rejected} (only when true: a grammar matched
 * nothing), {@code alternatives} (with beam search: {@code text} and {@code confidence} each, best first),
 * {@code words}, {@code tokens}, {@code expert_usage}, {@code audio_seconds}, {@code compute_seconds},
 * {@code realtime_factor}. Times are seconds rounded to the
 * millisecond, the real-time factor is rounded to 4 decimals and the mean gate to 6; probabilities are written as the
 * recognizer gives them.
 */
final class TranscriptJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TranscriptJson() {
    }

    static ObjectNode of(String file, Transcript t) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("file", file);
        o.put("text", t.text());
        if (t.rejected()) {
            o.put("rejected", true);
        }
        if (!t.alternatives().isEmpty()) {
            ArrayNode alternatives = o.putArray("alternatives");
            for (Alternative a : t.alternatives()) {
                alternatives.addObject().put("text", a.text()).put("confidence", round(a.confidence(), 1e6));
            }
        }
        ArrayNode words = o.putArray("words");
        for (Word w : t.words()) {
            words.addObject().put("word", w.text()).put("start", ms(w.start())).put("end", ms(w.end()))
                    .put("confidence", w.confidence());
        }
        ArrayNode tokens = o.putArray("tokens");
        for (Token k : t.tokens()) {
            tokens.addObject().put("id", k.id()).put("token", k.text()).put("start", ms(k.start()))
                    .put("end", ms(k.end())).put("probability", k.probability());
        }
        ArrayNode usage = o.putArray("expert_usage");
        for (ExpertUsage u : t.expertUsage()) {
            ObjectNode b = usage.addObject().put("block", u.block());
            ArrayNode frames = b.putArray("frames_per_expert");
            u.framesPerExpert().forEach(frames::add);
            b.put("mean_gate", round(u.meanGate(), 1e6));
        }
        o.put("audio_seconds", ms(t.audioSeconds()));
        o.put("compute_seconds", ms(t.computeSeconds()));
        o.put("realtime_factor", round(t.realtimeFactor(), 1e4));
        return o;
    }

    /** One line, for JSON Lines on stdout. */
    static String line(String file, Transcript t) {
        try {
            return MAPPER.writeValueAsString(of(file, t));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Indented, ending with a newline, for a file of its own. */
    static String document(String file, Transcript t) {
        try {
            return MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(of(file, t)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static double ms(double seconds) {
        return round(seconds, 1000);
    }

    static double round(double v, double scale) {
        return Double.isFinite(v) ? Math.round(v * scale) / scale : v;
    }
}
