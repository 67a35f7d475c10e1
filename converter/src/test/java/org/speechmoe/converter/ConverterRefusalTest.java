package org.speechmoe.converter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speechmoe.format.DType;

/** Every wrong input is refused with a message that names the file and what is wrong in it. */
class ConverterRefusalTest {
    static final String CTC = "ctc_bn_relu_e4_bias";

    @TempDir
    Path tmp;

    private String refusal(Path dir) {
        return refusal(dir, dir.resolve("final.pt"));
    }

    private String refusal(Path dir, Path checkpoint) {
        Path out = tmp.resolve("out.smoe");
        IOException e = assertThrows(IOException.class,
                () -> Converter.convert(Fixtures.request(dir, checkpoint, out, DType.F32)));
        assertTrue(!Files.exists(out));
        return e.getMessage();
    }

    private Path withYaml(String from, String to) throws IOException {
        Path dir = Fixtures.copy(CTC, tmp);
        Path yaml = dir.resolve("train.yaml");
        String text = Files.readString(yaml);
        assertTrue(text.contains(from), from);
        Files.writeString(yaml, text.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to)));
        return dir;
    }

    @Test
    void unsupportedOptionsAreNamed() throws IOException {
        assertTrue(refusal(withYaml("normalize_before: true", "normalize_before: false"))
                .contains("unsupported option model_conf.normalize_before false"));
        cleanup();
        assertTrue(refusal(withYaml("causal: false", "causal: false\n  static_chunk_size: -2"))
                .contains("unsupported option model_conf.static_chunk_size -2"));
        cleanup();
        assertTrue(refusal(withYaml("causal: false", "causal: false\n  static_chunk_size: 8"))
                .contains("implemented for causal models (causal: true) only"));
        cleanup();
        assertTrue(refusal(withYaml("input_layer: conv2d", "input_layer: conv2d6")).contains("input_layer 'conv2d6'"));
        cleanup();
        assertTrue(refusal(withYaml("activation_type: relu", "activation_type: gelu")).contains("activation_type"));
        cleanup();
        assertTrue(refusal(withYaml("nnet_proto: conformer_moe_catEmbed", "nnet_proto: transformer"))
                .contains("nnet_proto 'transformer' is not a SpeechMoE model"));
        cleanup();
        assertTrue(refusal(withYaml("attention_dim: 24", "attention_dim: twenty"))
                .contains("model_conf.attention_dim must be an integer"));
        cleanup();
        assertTrue(refusal(withYaml("job_type: moe", "job_type: [moe")).contains("not valid YAML"));
    }

    private void cleanup() throws IOException {
        Path dir = tmp.resolve(CTC);
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    @Test
    void aConfigThatDoesNotMatchTheCheckpointListsEveryProblem() throws IOException {
        String m = refusal(withYaml("hidden_units: 48", "hidden_units: 40"));
        // per block: three expert and three macaron FFN tensors (the w_2 biases are [E, d] and [d])
        long misshaped = m.lines().filter(l -> l.startsWith("  mis-shaped: ")).count();
        assertEquals(3 * 6, misshaped, m);
        assertTrue(m.contains("mis-shaped: blocks.0.feed_forward.experts.w_1.weight: expected [4, 40, 24], found [4, 48, 24]"), m);
        assertTrue(m.contains("mis-shaped: blocks.2.feed_forward_macaron.w_1.bias: expected [40], found [48]"), m);
        cleanup();
        assertTrue(refusal(withYaml("num_experts: 4", "num_experts: 3"))
                .contains("the checkpoint's routers have 4 experts, not a multiple of moe_conf.num_experts 3"));
        cleanup();
        String noMacaron = refusal(withYaml("macaron_style: true", "macaron_style: false"));
        assertTrue(noMacaron.contains("unexpected: blocks.2.feed_forward_macaron.w_2.bias [24]"), noMacaron);
        assertTrue(noMacaron.lines().allMatch(l -> l.contains("does not match") || l.startsWith("  unexpected: ")));
        cleanup();
        String wrongProto = refusal(withYaml("nnet_proto: conformer_moe_catEmbed", "nnet_proto: conformer_aed_moe_catEmbed"));
        assertTrue(wrongProto.contains("missing: encoder.out_linear.weight"), wrongProto);
        assertTrue(wrongProto.contains("unexpected: out_linear.weight"), wrongProto);
    }

    @Test
    void badUnitsAndCmvnAreRefused() throws IOException {
        Path dir = Fixtures.copy(CTC, tmp);
        Path units = dir.resolve("units.txt");
        String good = Files.readString(units);
        Files.writeString(units, good.replace("<blank> 0", "<blank> 1"));
        assertTrue(refusal(dir).contains("id 1 is given twice"));
        Files.writeString(units, good.replace("<blank> 0\n", ""));
        assertTrue(refusal(dir).contains("is outside"));
        Files.writeString(units, good + "extra\n");
        assertTrue(refusal(dir).contains("expected 'token id'"));
        Files.writeString(units, good + "<new> 999\n");
        assertTrue(refusal(dir).contains("id 999 is outside"));
        Files.writeString(units, good + "z " + good.lines().count() + "\n");
        assertTrue(refusal(dir).contains("mis-shaped: out_linear.weight"));
        Files.writeString(units, good);

        Path cmvn = dir.resolve("global_cmvn");
        Files.writeString(cmvn, "mean 1 2 3");
        assertTrue(refusal(dir).contains("not WeNet JSON CMVN stats"));
        Files.writeString(cmvn, "{\"mean_stat\": [1], \"var_stat\": [1], \"frame_num\": 3}");
        assertTrue(refusal(dir).contains("has 1 values, the features have 80 mel bins"));
        Files.writeString(cmvn, "{\"mean_stat\": [], \"var_stat\": [], \"frame_num\": 0}");
        assertTrue(refusal(dir).contains("frame_num must be positive"));
    }

    @Test
    void aMissingInputIsNamed() throws IOException {
        Path dir = Fixtures.copy(CTC, tmp);
        Files.delete(dir.resolve("global_cmvn"));
        assertTrue(refusal(dir).endsWith("global_cmvn: no such file"));
    }

    @Test
    void nonFiniteWeightsAreRefusedNamingTheTensor() throws IOException {
        Path st = Fixtures.dir(CTC).resolve("model.safetensors");
        Path dir = Fixtures.copy(CTC, tmp);
        Path broken = dir.resolve("broken.safetensors");
        Files.copy(st, broken);
        String name = "blocks.1.self_attn.linear_q.weight";
        try (FileChannel ch = FileChannel.open(broken, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(len, 0);
            long n = len.getLong(0);
            ByteBuffer header = ByteBuffer.allocate((int) n);
            ch.read(header, 8);
            String json = new String(header.array(), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile(Pattern.quote("\"" + name + "\"") + "[^}]*\"data_offsets\":\\s*\\[(\\d+)")
                    .matcher(json);
            assertTrue(m.find(), json);
            long at = 8 + n + Long.parseLong(m.group(1)) + 4 * 5;
            ch.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, Float.NaN), at);
        }
        String msg = refusal(dir, broken);
        assertTrue(msg.contains("tensor " + name + " holds NaN at flat index 5"), msg);
    }
}
