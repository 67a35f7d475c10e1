package org.speechmoe.runtime.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.speechmoe.format.DType;
import org.speechmoe.format.ModelFormatException;
import org.speechmoe.runtime.ReferenceFixtures;
import org.speechmoe.runtime.api.ModelOptions.Verification;

/** A damaged model is refused in one line naming what is wrong, before it can give different text. */
class DamagedModelTest {
    static final String VECTOR = "blocks.1.norm_ff.weight";
    static final String MATRIX = "blocks.1.self_attn.linear_q.weight";

    @TempDir
    Path tmp;

    static Path good() {
        return ReferenceFixtures.smoe("ctc_ln_swish_e2", DType.F32);
    }

    static String oneLine(Exception e) {
        assertTrue(e.getMessage() != null && !e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    private Path flipped(String tensor) throws IOException {
        return DamagedModels.flipped(good(), tmp.resolve("bad.smoe"), DamagedModels.offsetOf(good(), tensor) + 5, 4);
    }

    private static ModelFormatException refusedAtOpen(Path model, ModelOptions options) {
        return assertThrows(ModelFormatException.class, () -> SpeechMoeModel.open(model, options).close());
    }

    @Test
    void aDamagedVectorIsRefusedWhenTheModelOpens() throws IOException {
        Path bad = flipped(VECTOR);
        String m = oneLine(refusedAtOpen(bad, ModelOptions.defaults()));
        assertTrue(m.startsWith(bad.toString()) && m.contains("'" + VECTOR + "'") && m.contains("checksum"), m);
    }

    @Test
    void aDamagedMatrixIsRefusedBeforeTheFirstPass() throws IOException {
        Path bad = flipped(MATRIX);
        try (SpeechMoeModel model = SpeechMoeModel.open(bad); Recognizer r = model.newRecognizer()) {
            ModelFormatException e = assertThrows(ModelFormatException.class,
                    () -> r.transcribe(ReferenceFixtures.wav("vowels")));
            assertTrue(oneLine(e).contains("'" + MATRIX + "'"), e.getMessage());
            UncheckedIOException u = assertThrows(UncheckedIOException.class, () -> r.transcribe(new float[16000], 16000));
            assertEquals(e.getMessage(), u.getCause().getMessage(), "refused again, the same way");
            assertInstanceOf(ModelFormatException.class, u.getCause());
        }
        assertTrue(oneLine(refusedAtOpen(bad, ModelOptions.defaults().withVerification(Verification.AT_OPEN)))
                .contains("'" + MATRIX + "'"));
    }

    @Test
    void withoutVerificationADamagedModelOpensAndRuns() throws IOException {
        for (String tensor : new String[] {VECTOR, MATRIX}) {
            Path bad = flipped(tensor);
            try (SpeechMoeModel model = SpeechMoeModel.open(bad, ModelOptions.defaults().withVerification(Verification.OFF));
                 Recognizer r = model.newRecognizer()) {
                r.transcribe(ReferenceFixtures.wav("vowels"));
            }
        }
    }

    @Test
    void anIntactModelGivesTheSameTextWithAndWithoutVerification() throws IOException {
        String[] texts = new String[Verification.values().length];
        for (Verification v : Verification.values()) {
            try (SpeechMoeModel model = SpeechMoeModel.open(good(), ModelOptions.defaults().withVerification(v));
                 Recognizer r = model.newRecognizer()) {
                texts[v.ordinal()] = r.transcribe(ReferenceFixtures.wav("vowels")).text();
            }
        }
        assertEquals(1, Arrays.stream(texts).distinct().count(), Arrays.toString(texts));
    }

    @Test
    void aTruncatedModelIsRefused() throws IOException {
        byte[] all = Files.readAllBytes(good());
        for (int keep : new int[] {0, 10, 64, 1000, all.length / 2, all.length - 1}) {
            Path p = Files.write(tmp.resolve("cut.smoe"), Arrays.copyOf(all, keep));
            assertTrue(oneLine(refusedAtOpen(p, ModelOptions.defaults())).startsWith(p.toString()));
        }
    }

    @Test
    void aDirectoryIsNotAModel() {
        assertTrue(oneLine(refusedAtOpen(tmp, ModelOptions.defaults())).contains("is a directory"));
    }

    @ParameterizedTest
    @CsvSource({
            "features.frame_length_ms, 1e9", "features.frame_length_ms, Infinity", "features.frame_length_ms, NaN",
            "features.frame_shift_ms, 1e-9", "features.frame_shift_ms, -10",
            "features.sample_rate, 2147483647", "features.sample_rate, 1", "features.num_mel_bins, 100000",
            "encoder.num_blocks, 2147483647", "embed.num_blocks, 1000000", "encoder.attention_dim, 1000000000",
            "encoder.attention_heads, 100000", "moe.num_experts, 2147483647", "moe.hidden_units, 1000000000",
            "encoder.ffn_units, 1000000000", "embed.cnn_module_kernel, 1000001", "encoder.num_blocks, -1",
            "features.sample_rate, 9223372036854775807"})
    void absurdMetadataIsRefusedNamingTheKey(String key, String value) throws IOException {
        Object v = key.endsWith("_ms") ? (Object) Double.parseDouble(value) : (Object) Long.parseLong(value);
        Path p = DamagedModels.withMetadata(good(), tmp.resolve("absurd.smoe"), key, v);
        String m = oneLine(refusedAtOpen(p, ModelOptions.defaults()));
        assertTrue(m.startsWith(p.toString()) && m.contains(key), m);
        assertFalse(m.contains("Exception"), m);
    }

    @Test
    void aDamagedTensorWithMatchingChecksumsStillRunsToAnEnd() throws IOException {
        // the checksums cannot catch this one (they were made right again): the model must still run, not crash
        Path bad = DamagedModels.rechecksummed(flipped(MATRIX), tmp.resolve("rechecked.smoe"));
        try (SpeechMoeModel model = SpeechMoeModel.open(bad); Recognizer r = model.newRecognizer()) {
            r.transcribe(ReferenceFixtures.wav("vowels"));
        }
    }
}
