package org.speechmoe.converter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.speechmoe.converter.checkpoint.Checkpoint;
import org.speechmoe.converter.checkpoint.Checkpoints;
import org.speechmoe.converter.checkpoint.SourceTensor;
import org.speechmoe.format.DType;
import org.speechmoe.format.SmoeFile;
import org.speechmoe.format.TensorCodec;
import org.speechmoe.format.TensorInfo;
import org.speechmoe.format.graph.GraphConfig;
import org.speechmoe.format.graph.GraphTensor;
import org.speechmoe.format.graph.GraphTensors;
import org.speechmoe.format.graph.StreamingConfig;

class ConverterTest {
    @TempDir
    Path tmp;

    static List<String> models() {
        return Fixtures.models();
    }

    @Test
    void streamingOptionsAreRecordedForEachEncoder() throws IOException {
        Path causal = tmp.resolve("causal.smoe");
        Converter.convert(Fixtures.request("ctc_causal_ln_swish_e4", causal, DType.F32));
        Path full = tmp.resolve("full.smoe");
        Converter.convert(Fixtures.request("ctc_ln_swish_e2", full, DType.F32));
        try (SmoeFile c = SmoeFile.open(causal); SmoeFile f = SmoeFile.open(full)) {
            GraphConfig g = GraphConfig.fromMetadata(c.metadata(), causal.toString());
            assertEquals(new StreamingConfig(true, true, true, 0), g.encoder().streaming());
            assertEquals(new StreamingConfig(true, true, false, 0), g.embed().streaming());
            assertTrue(g.streamable());
            assertEquals(0, g.decodingChunkSize());
            assertTrue(c.metadata().getBoolean("embed.causal"));
            GraphConfig h = GraphConfig.fromMetadata(f.metadata(), full.toString());
            assertEquals(StreamingConfig.FULL_CONTEXT, h.encoder().streaming());
            assertFalse(h.streamable());
        }
        Path dir = Fixtures.copy("ctc_causal_ln_swish_e4", tmp);
        Path yaml = dir.resolve("train.yaml");
        Files.writeString(yaml, Files.readString(yaml).replaceFirst("  use_dynamic_chunk: true",
                "  use_dynamic_chunk: false\n  static_chunk_size: 8"));
        Path fixed = tmp.resolve("static.smoe");
        Converter.convert(Fixtures.request(dir, dir.resolve("final.pt"), fixed, DType.F32));
        try (SmoeFile s = SmoeFile.open(fixed)) {
            GraphConfig g = GraphConfig.fromMetadata(s.metadata(), fixed.toString());
            assertEquals(8, g.decodingChunkSize());
            assertEquals(8, s.metadata().getLong("encoder.static_chunk_size"));
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void everyFixtureModelConvertsWithItsValuesUnchanged(String model) throws IOException {
        Path out = tmp.resolve(model + ".smoe");
        ConversionReport report = Converter.convert(Fixtures.request(model, out, DType.F32));
        try (SmoeFile f = SmoeFile.open(out); Checkpoint ckpt = Checkpoints.open(Fixtures.dir(model).resolve("final.pt"))) {
            GraphConfig graph = GraphConfig.fromMetadata(f.metadata(), out.toString());
            List<GraphTensor> expected = GraphTensors.of(graph);
            assertEquals(expected.size(), f.tensors().size());
            assertEquals(report.tensorCount(), f.tensors().size());
            String prefix = f.metadata().getString("general.source").contains("aed") ? "encoder." : "";
            Map<String, SourceTensor> source = ckpt.tensors();
            for (GraphTensor g : expected) {
                TensorInfo t = f.tensor(g.name());
                assertArrayEquals(g.shape(), t.shape(), g.name());
                assertEquals(DType.F32, t.dtype());
                if (g.name().startsWith("cmvn.")) {
                    continue;
                }
                float[] want = source.get(prefix + g.name()).toFloats();
                assertArrayEquals(want, TensorCodec.decode(t, f.data(t)), g.name());
            }
            assertTrue(f.verifyAll().isEmpty());
            assertEquals(Files.readAllLines(Fixtures.dir(model).resolve("units.txt")).size(), graph.vocabSize());
        }
    }

    @Test
    void theSameInputsGiveTheSameBytesAndSafetensorsEqualsTheCheckpoint() throws IOException {
        int withSafetensors = 0;
        for (String model : Fixtures.models()) {
            Path st = Fixtures.dir(model).resolve("model.safetensors");
            if (!Files.exists(st)) {
                continue;
            }
            withSafetensors++;
            Path a = tmp.resolve("a.smoe");
            Path b = tmp.resolve("b.smoe");
            Path c = tmp.resolve("c.smoe");
            Converter.convert(Fixtures.request(model, a, DType.Q8));
            Converter.convert(Fixtures.request(model, b, DType.Q8));
            Converter.convert(Fixtures.request(Fixtures.dir(model), st, c, DType.Q8));
            assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), model);
            assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(c), model);
        }
        assertTrue(withSafetensors >= 1, "a fixture model with model.safetensors");
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F16", "BF16", "Q8"})
    void quantizedModelsKeepSmallTensorsExactAndShrinkTheMatrices(DType dtype) throws IOException {
        String model = Fixtures.models().getFirst();
        Path f32 = tmp.resolve("f32.smoe");
        Path q = tmp.resolve("q.smoe");
        ConversionReport r32 = Converter.convert(Fixtures.request(model, f32, DType.F32));
        ConversionReport rq = Converter.convert(Fixtures.request(model, q, dtype));
        assertTrue(rq.fileBytes() < r32.fileBytes(), rq + " vs " + r32);
        assertEquals(r32.f32Bytes(), rq.f32Bytes());
        assertTrue(rq.quantizedCount() > 0);
        assertTrue(rq.worstError() > 0 && rq.worstError() < (dtype == DType.Q8 ? 0.02 : 0.01), rq.toString());
        try (SmoeFile a = SmoeFile.open(f32); SmoeFile b = SmoeFile.open(q)) {
            for (TensorInfo ta : a.tensors()) {
                TensorInfo tb = b.tensor(ta.name());
                boolean router = ta.name().contains("router") || ta.name().startsWith("cmvn.");
                float[] x = TensorCodec.decode(ta, a.data(ta));
                float[] y = TensorCodec.decode(tb, b.data(tb));
                if (tb.dtype() == DType.F32) {
                    assertArrayEquals(x, y, ta.name());
                } else {
                    assertFalse(router, "routers and CMVN stay f32: " + ta.name());
                    assertEquals(dtype, tb.dtype());
                    assertTrue(ta.rank() >= 2 && ta.cols() >= 32, ta.name());
                }
            }
        }
    }

    @Test
    void theExpertsOfEveryTrainingGpuAreConverted() throws IOException {
        // aed_bn_swish_e16 was "trained on 2 GPUs": its yaml says 8 experts, its checkpoint holds 16
        Path out = tmp.resolve("e16.smoe");
        ConversionReport r = Converter.convert(Fixtures.request("aed_bn_swish_e16", out, DType.F32));
        assertEquals(List.of("moe_conf.num_experts is 8 per training GPU; the checkpoint holds 16 experts per block"
                + " (2 GPUs), all converted"), r.notes());
        try (SmoeFile f = SmoeFile.open(out)) {
            assertEquals(16, f.metadata().getLong("moe.num_experts"));
        }
    }

    @Test
    void theOutputAppearsOnlyWhenComplete() throws IOException {
        Path dir = Fixtures.copy(Fixtures.models().getFirst(), tmp);
        Files.writeString(dir.resolve("global_cmvn"), "{\"mean_stat\": [1, 2], \"var_stat\": [1, 2], \"frame_num\": 3}");
        Path out = tmp.resolve("never.smoe");
        assertThrows(ConversionException.class, () -> Converter.convert(Fixtures.request(dir, dir.resolve("final.pt"),
                out, DType.F32)));
        assertFalse(Files.exists(out));
        try (var files = Files.list(tmp)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".partial")));
        }
    }
}
