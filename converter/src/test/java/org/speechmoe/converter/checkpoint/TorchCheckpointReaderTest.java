package org.speechmoe.converter.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.speechmoe.converter.checkpoint.TestFiles.CHECKPOINTS;
import static org.speechmoe.converter.checkpoint.TestFiles.assertRefused;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Checkpoints written by real torch.save: the model fixtures, testdata/checkpoints and the test resources. */
class TorchCheckpointReaderTest {
    private static JsonNode expected;

    @BeforeAll
    static void readExpected() throws IOException {
        Path json = CHECKPOINTS.resolve("expected.json");
        Assumptions.assumeTrue(Files.exists(json), "testdata/checkpoints not generated yet");
        expected = new ObjectMapper().readTree(json.toFile());
    }

    static Stream<Path> fixtureModels() {
        Assumptions.assumeTrue(Files.isDirectory(TestFiles.FIXTURES), "testdata/fixtures not generated yet");
        return TestFiles.fixtureModels();
    }

    @ParameterizedTest
    @MethodSource("fixtureModels")
    void everyFixtureTensorMatchesTensorsJson(Path model) throws IOException {
        Map<String, ExpectedTensor> tensors = ExpectedTensor.read(model.resolve("tensors.json"));
        try (Checkpoint checkpoint = TorchCheckpointReader.open(model.resolve("final.pt"))) {
            assertEquals(List.copyOf(tensors.keySet()), List.copyOf(checkpoint.tensors().keySet()));
            for (SourceTensor tensor : checkpoint.tensors().values()) {
                tensors.get(tensor.name()).assertMatches(tensor);
            }
        }
    }

    @Test
    void halfPrecisionAndViewsOfSharedStoragesDecode() throws IOException {
        assertMatchesExpected("half.pt");
    }

    @Test
    void stateDictUnderModelKeyIsUnwrapped() throws IOException {
        assertEquals("model", expected.get("nested.pt").get("state_dict_key").asText());
        assertMatchesExpected("nested.pt");
    }

    @Test
    void legacyCheckpointAsksForResave() {
        Path legacy = CHECKPOINTS.resolve("legacy.pt");
        assertRefused(() -> TorchCheckpointReader.open(legacy),
                legacy + " is a legacy (pre-1.6) PyTorch checkpoint: re-save it with torch>=1.6:"
                        + " torch.save(torch.load(f), f)");
    }

    @Test
    void reduceOfPosixSystemIsRefusedByName() {
        assertRefused(() -> TorchCheckpointReader.open(CHECKPOINTS.resolve("evil_reduce.pt")),
                "evil_reduce.pt: refusing to load: the checkpoint references posix.system, which a state_dict never"
                        + " needs (loading must not execute code)");
    }

    @Test
    void unknownClassIsRefusedByName() {
        assertRefused(() -> TorchCheckpointReader.open(CHECKPOINTS.resolve("evil_global.pt")),
                "references fixture_unknown_module.UnknownPayload");
    }

    @Test
    void keepVarsParametersAndEveryDtypeDecode() throws IOException {
        try (Checkpoint checkpoint = TorchCheckpointReader.open(TestFiles.resource("parameters.pt"))) {
            assertArrayEquals(new float[] {0, 0.125f, 0.25f, 0.375f, 0.5f, 0.625f},
                    checkpoint.tensors().get("weight").toFloats());
            assertArrayEquals(new float[] {-1, 0.5f}, checkpoint.tensors().get("bias").toFloats());
        }
        Map<String, ExpectedTensor> tensors = ExpectedTensor.read(TestFiles.resource("expected.json"));
        try (Checkpoint checkpoint = TorchCheckpointReader.open(TestFiles.resource("dtypes.pt"))) {
            assertEquals(List.copyOf(tensors.keySet()), List.copyOf(checkpoint.tensors().keySet()));
            for (SourceTensor tensor : checkpoint.tensors().values()) {
                tensors.get(tensor.name()).assertMatches(tensor);
            }
        }
    }

    @Test
    void dataIsReadOnlyWhenDecoded() throws IOException {
        Checkpoint checkpoint = TorchCheckpointReader.open(TestFiles.resource("dtypes.pt"));
        SourceTensor tensor = checkpoint.tensors().get("f32");
        checkpoint.close();
        assertRefused(tensor::toFloats, "dtypes.pt: the checkpoint was closed before its tensors were read");
    }

    private static void assertMatchesExpected(String file) throws IOException {
        Map<String, ExpectedTensor> tensors = ExpectedTensor.of(expected.get(file).get("tensors"));
        try (Checkpoint checkpoint = TorchCheckpointReader.open(CHECKPOINTS.resolve(file))) {
            assertEquals(List.copyOf(tensors.keySet()), List.copyOf(checkpoint.tensors().keySet()));
            for (SourceTensor tensor : checkpoint.tensors().values()) {
                tensors.get(tensor.name()).assertMatches(tensor);
            }
        }
    }
}
