package org.speechmoe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speechmoe.converter.Converter;
import org.speechmoe.format.DType;
import org.speechmoe.runtime.api.Logits;

/** The routing report: its figures on a planted routing, and the command over real files. */
class RoutingCommandTest {
    /** One layer of 3 experts over 6 frames: routes 0 1 1 1 1 1 (expert 2 never), gates and softmaxes given. */
    private static Logits planted() {
        int[] routes = {0, 1, 1, 1, 1, 1};
        float[] gates = {1f, 0.5f, 0.8f, 0.8f, 1f / 3, 0.9f};
        float[] probabilities = {
            1f, 0, 0, 0.5f, 0.25f, 0.25f, 0.1f, 0.8f, 0.1f, 0.1f, 0.8f, 0.1f, 1f / 3, 1f / 3, 1f / 3, 0.05f, 0.9f, 0.05f};
        return new Logits(new float[6], 6, 1, routes, gates, 1, probabilities, 3);
    }

    @Test
    void thePlantedRoutingsFigures() {
        LayerRouting l = LayerRouting.of(planted()).getFirst();
        double p0 = 1.0 / 6;
        double p1 = 5.0 / 6;
        assertEquals(-(p0 * Math.log(p0) + p1 * Math.log(p1)) / Math.log(2), l.entropy(), 1e-9);
        double[] mean = {(1 + 0.5 + 0.1 + 0.1 + 1.0 / 3 + 0.05) / 6, (0 + 0.25 + 0.8 + 0.8 + 1.0 / 3 + 0.9) / 6,
                (0 + 0.25 + 0.1 + 0.1 + 1.0 / 3 + 0.05) / 6};
        assertEquals(3 * (mean[0] * mean[0] + mean[1] * mean[1] + mean[2] * mean[2]), l.balance(), 1e-6);
        assertEquals((1 + 0.5 + 0.8 + 0.8 + 1.0 / 3 + 0.9) / 6, l.meanGate(), 1e-6);
        assertEquals(1.0 / 5, l.switchRate(), 1e-12, "one switch among five neighbouring pairs");
        assertEquals(List.of(2), l.dead());
        assertEquals(List.of(1), l.overloaded(), "5 of 6 frames is more than twice a third");
        JsonNode histogram = l.json().get("gate_histogram");
        assertEquals(1, histogram.get(0).asInt(), "the gate 1/3 is the lowest bin");
        assertEquals(1, histogram.get(LayerRouting.GATE_BINS - 1).asInt(), "only the gate of 1 is in the top bin");
        assertEquals(2, histogram.get(7).asInt(), "the two gates of 0.8: (0.8 - 1/3) / (2/3) = 0.7");
    }

    @Test
    void oneReportPerFileThenTotalsThatAddUp() throws Exception {
        Path dir = Path.of("..", "testdata", "commands");
        CliTest.Run r = CliTest.run("routing", "--format", "json", "--threads", "1",
                dir.resolve("go-back.wav").toString(), dir.resolve("stop-now.wav").toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        ObjectMapper json = new ObjectMapper();
        JsonNode a = json.readTree(lines.get(0));
        JsonNode b = json.readTree(lines.get(1));
        JsonNode total = json.readTree(lines.get(2));
        assertTrue(total.get("total").asBoolean());
        assertEquals(2, total.get("files").asInt());
        assertEquals(a.get("frames").asLong() + b.get("frames").asLong(), total.get("frames").asLong());
        for (int layer = 0; layer < total.get("layers").size(); layer++) {
            JsonNode t = total.get("layers").get(layer);
            long sum = 0;
            for (int e = 0; e < t.get("frames_per_expert").size(); e++) {
                long n = t.get("frames_per_expert").get(e).asLong();
                assertEquals(a.get("layers").get(layer).get("frames_per_expert").get(e).asLong()
                        + b.get("layers").get(layer).get("frames_per_expert").get(e).asLong(), n);
                sum += n;
            }
            assertEquals(total.get("frames").asLong(), sum, "every frame goes to exactly one expert");
            int experts = t.get("frames_per_expert").size();
            assertTrue(t.get("entropy").asDouble() <= Math.log(experts) / Math.log(2) + 1e-9, t.toString());
            assertTrue(t.get("balance").asDouble() >= 1 - 1e-3 && t.get("balance").asDouble() <= experts, t.toString());
            assertTrue(t.get("mean_gate").asDouble() >= 1.0 / experts, t.toString());
        }

        CliTest.Run missing = CliTest.run("routing", dir.resolve("nothing.wav").toString());
        assertEquals(SpeechMoeCli.EXIT_FAILED, missing.exit());
        assertEquals(1, missing.err().lines().count(), missing.err());
    }

    /** A causal model's routes in chunked decoding against its full-context pass; a full-context model has none. */
    @Test
    void chunkedAgreementIsReportedForACausalModel(@TempDir Path tmp) throws Exception {
        Path causal = tmp.resolve("causal.smoe");
        Path dir = LogitsChunkedTest.CAUSAL;
        Converter.convert(new Converter.Request(dir.resolve("train.yaml"), dir.resolve("final.pt"),
                dir.resolve("units.txt"), dir.resolve("global_cmvn"), causal, DType.F32));
        String wav = TestModel.wav("mixed").toString();
        CliTest.Run json = CliTest.run("routing", "-m", causal.toString(), "--format", "json", "--chunk-size", "4",
                wav);
        assertEquals(0, json.exit(), json.err());
        JsonNode file = new ObjectMapper().readTree(json.out().lines().findFirst().orElseThrow());
        for (JsonNode layer : file.get("layers")) {
            double agreement = layer.get("chunked_agreement").asDouble();
            assertTrue(agreement >= 0 && agreement <= 1, layer.toString());
        }
        CliTest.Run full = CliTest.run("routing", "-m", causal.toString(), "--chunk-size", "1000", wav);
        assertTrue(full.out().contains("routes as in chunked decoding: 100.0 %"),
                "a chunk longer than the recording is the full pass: " + full.out());
        CliTest.Run refused = CliTest.run("routing", "-m", TestModel.path().toString(), "--chunk-size", "4", wav);
        assertEquals(SpeechMoeCli.EXIT_FAILED, refused.exit());
        assertTrue(refused.err().contains("full-context"), refused.err());
    }
}
