package org.speechmoe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bench} prints one JSON line of timings that hang together; it asserts no time, only their consistency. */
class BenchCommandTest {
    @Test
    void oneJsonLineWithFirstMedianAndPeakMemory() throws Exception {
        Path sample = Path.of("..", "samples", "synthetic-espeak.wav");
        CliTest.Run r = CliTest.run("bench", "--runs", "3", "--threads", "1", "--lm", "none", sample.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(1, r.out().lines().count(), r.out());
        JsonNode o = new ObjectMapper().readTree(r.out());
        List<String> fields = new java.util.ArrayList<>();
        o.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("file", "audio_s", "first_s", "median_s", "min_s", "rtf", "peak_rss_mb", "runs",
                "threads", "beam"), fields);
        assertEquals(3.215, o.get("audio_s").asDouble(), 1e-3);
        assertTrue(o.get("min_s").asDouble() <= o.get("median_s").asDouble(), r.out());
        assertEquals(o.get("median_s").asDouble() / o.get("audio_s").asDouble(), o.get("rtf").asDouble(), 1e-3);
        assertTrue(o.get("peak_rss_mb").asLong() > 0, r.out());
        assertEquals(1, o.get("beam").asInt());

        CliTest.Run bad = CliTest.run("bench", "--runs", "0", sample.toString());
        assertEquals(SpeechMoeCli.EXIT_USAGE, bad.exit());
        assertEquals(1, bad.err().lines().filter(l -> l.startsWith("speechmoe")).count(), bad.err());
    }
}
