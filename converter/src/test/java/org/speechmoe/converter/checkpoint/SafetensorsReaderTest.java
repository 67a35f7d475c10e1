package org.speechmoe.converter.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.speechmoe.converter.checkpoint.TestFiles.assertRefused;
import static org.speechmoe.converter.checkpoint.TestFiles.floatsLE;
import static org.speechmoe.converter.checkpoint.TestFiles.safetensors;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SafetensorsReaderTest {
    private static final String W_2x3 = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}}";
    private static final byte[] SIX_FLOATS = floatsLE(1, 2, 3, 4, 5, 6);

    @TempDir
    Path dir;

    static Stream<Path> modelsWithSafetensors() {
        Assumptions.assumeTrue(Files.isDirectory(TestFiles.FIXTURES), "testdata/fixtures not generated yet");
        List<Path> models = TestFiles.fixtureModels().filter(m -> Files.exists(m.resolve("model.safetensors"))).toList();
        Assumptions.assumeFalse(models.isEmpty(), "no fixture has a model.safetensors yet");
        return models.stream();
    }

    @ParameterizedTest
    @MethodSource("modelsWithSafetensors")
    void safetensorsHoldsTheSameFloatsAsFinalPt(Path model) throws IOException {
        assertSameTensors(model.resolve("final.pt"), model.resolve("model.safetensors"));
    }

    @Test
    void everyDtypeDecodesAndTensorsComeInDataOrder() throws IOException {
        Path file = TestFiles.resource("dtypes.safetensors");
        assertSameTensors(TestFiles.resource("dtypes.pt"), file);
        Map<String, ExpectedTensor> expected = ExpectedTensor.read(TestFiles.resource("expected.json"));
        try (Checkpoint checkpoint = SafetensorsReader.open(file)) {
            // The header lists names alphabetically; the data, like expected.json, follows the state_dict order.
            assertEquals(List.copyOf(expected.keySet()), List.copyOf(checkpoint.tensors().keySet()));
            for (SourceTensor tensor : checkpoint.tensors().values()) {
                expected.get(tensor.name()).assertMatches(tensor);
            }
        }
    }

    @Test
    void dataIsReadOnlyWhenDecoded() throws IOException {
        Checkpoint checkpoint = SafetensorsReader.open(safetensors(dir.resolve("w.safetensors"), W_2x3, SIX_FLOATS));
        SourceTensor tensor = checkpoint.tensors().get("w");
        checkpoint.close();
        assertRefused(tensor::toFloats, "w.safetensors: the checkpoint was closed before its tensors were read");
    }

    static Stream<Arguments> brokenHeaders() {
        return Stream.of(
                Arguments.of("{\"w\":{\"dtype\":\"F32\",", "safetensors header is not valid JSON"),
                Arguments.of("[1, 2]", "safetensors header is not a JSON object"),
                Arguments.of(W_2x3.replace("F32", "F8_E4M3"), "tensor 'w' has unknown dtype \"F8_E4M3\""),
                Arguments.of(W_2x3.replace("[0,24]", "[8,32]"), "tensor 'w' has data_offsets [8, 32] outside the 24-byte"),
                Arguments.of(W_2x3.replace("[0,24]", "[24,0]"), "tensor 'w' has data_offsets [24, 0] outside"),
                Arguments.of(W_2x3.replace("[0,24]", "[0,20]"), "(20 bytes), but dtype F32 and shape [2, 3] need 6 elements"),
                Arguments.of(W_2x3.replace("[2,3]", "[2,-3]"), "shape [2,-3] must hold non-negative integers"),
                Arguments.of(W_2x3.replace("[2,3]", "[4294967296,4294967296]"), "need more than 2^63 elements"),
                Arguments.of(W_2x3.replace("[0,24]", "[0]"), "data_offsets must be [begin, end]"),
                Arguments.of(W_2x3.replace("}}", "},\"w\":{}}"), "Duplicate field 'w'"));
    }

    @ParameterizedTest
    @MethodSource("brokenHeaders")
    void brokenHeaderIsRefused(String header, String message) throws IOException {
        Path file = safetensors(dir.resolve("broken.safetensors"), header, SIX_FLOATS);
        assertRefused(() -> SafetensorsReader.open(file), "broken.safetensors: ", message);
    }

    @Test
    void truncatedFileIsRefused() throws IOException {
        byte[] whole = Files.readAllBytes(safetensors(dir.resolve("w.safetensors"), W_2x3, SIX_FLOATS));
        Path truncated = Files.write(dir.resolve("truncated.safetensors"), Arrays.copyOf(whole, whole.length - 4));
        assertRefused(() -> SafetensorsReader.open(truncated), "data_offsets [0, 24] outside the 20-byte data section");
        Path headerOnly = Files.write(dir.resolve("header_only.safetensors"), Arrays.copyOf(whole, 20));
        assertRefused(() -> SafetensorsReader.open(headerOnly), "header length " + W_2x3.length() + " exceeds the 12 bytes that follow it");
        Path stub = Files.write(dir.resolve("empty.safetensors"), new byte[0]);
        assertRefused(() -> SafetensorsReader.open(stub), "shorter than its 8-byte header length");
    }

    @Test
    void hugeHeaderLengthIsRefusedBeforeReading() throws IOException {
        Path file = dir.resolve("huge.safetensors");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(150_000_000).array());
            sparse.setLength(200_000_000);
        }
        assertRefused(() -> SafetensorsReader.open(file), "header length 150000000 exceeds the limit of 100000000 bytes");
        Path lying = Files.write(dir.resolve("lying.safetensors"),
                ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-2).array());
        assertRefused(() -> SafetensorsReader.open(lying), "header length 18446744073709551614 exceeds the 8 bytes");
    }

    private static void assertSameTensors(Path torch, Path safetensors) throws IOException {
        try (Checkpoint pt = TorchCheckpointReader.open(torch); Checkpoint st = SafetensorsReader.open(safetensors)) {
            assertEquals(pt.tensors().keySet(), st.tensors().keySet());
            for (SourceTensor expected : pt.tensors().values()) {
                SourceTensor actual = st.tensors().get(expected.name());
                assertEquals(expected.dtype(), actual.dtype(), expected.name());
                assertArrayEquals(expected.shape(), actual.shape(), expected.name());
                assertArrayEquals(expected.toFloats(), actual.toFloats(), expected.name());
            }
        }
    }
}
