package org.speechmoe.converter.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.speechmoe.converter.checkpoint.TestFiles.assertRefused;
import static org.speechmoe.converter.checkpoint.TestFiles.floatsLE;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Hand-crafted archives and pickles that torch would not write: each must fail with a CheckpointException that says why. */
class TorchCheckpointRefusalTest {
    private static final long[] SHAPE_2x3 = {2, 3};
    private static final long[] STRIDES_2x3 = {3, 1};
    private static final byte[] SIX_FLOATS = floatsLE(1, 2, 3, 4, 5, 6);

    @TempDir
    Path dir;

    private static PickleWriter stateDictWithTensor() {
        return new PickleWriter().orderedDict().mark().str("w").tensor("FloatStorage", "0", 6, 0, SHAPE_2x3, STRIDES_2x3);
    }

    private Path checkpoint(byte[] pickle, byte[] storage) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("archive/data.pkl", pickle);
        entries.put("archive/data/0", storage);
        entries.put("archive/version", "3\n".getBytes());
        return TestFiles.zip(dir.resolve("crafted.pt"), entries);
    }

    @Test
    void craftedStateDictReads() throws IOException {
        try (Checkpoint checkpoint = TorchCheckpointReader.open(checkpoint(stateDictWithTensor().setItems().stop(), SIX_FLOATS))) {
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, checkpoint.tensors().get("w").toFloats());
        }
    }

    @Test
    void refusedCommandNeverRuns() throws IOException {
        Path marker = dir.resolve("pwned");
        byte[] pickle = stateDictWithTensor().str("payload")
                .global("posix", "system").mark().str("touch " + marker).tuple().reduce().setItems().stop();
        assertRefused(() -> TorchCheckpointReader.open(checkpoint(pickle, SIX_FLOATS)), "references posix.system");
        assertFalse(Files.exists(marker));
    }

    static Stream<Arguments> forbiddenPickles() {
        return Stream.of(
                Arguments.of("STACK_GLOBAL builtins.eval", new PickleWriter().str("builtins").str("eval").op(0x93)
                        .mark().str("1").tuple().reduce().stop(), "references builtins.eval"),
                Arguments.of("INST", new PickleWriter().mark().str("id").op('i')
                        .raw("os\nsystem\n".getBytes()).stop(), "references os.system"),
                Arguments.of("OBJ", new PickleWriter().mark().global("subprocess", "Popen").str("ls").op('o').stop(),
                        "references subprocess.Popen"),
                Arguments.of("NEWOBJ", new PickleWriter().global("__main__", "MyModel").op(')').op(0x81).stop(),
                        "references __main__.MyModel"),
                Arguments.of("torch module", new PickleWriter().global("torch.nn.modules.linear", "Linear").stop(),
                        "references torch.nn.modules.linear.Linear"),
                Arguments.of("numpy", new PickleWriter().global("numpy.core.multiarray", "_reconstruct").stop(),
                        "references numpy.core.multiarray._reconstruct"),
                Arguments.of("EXT1", new PickleWriter().op(0x82).op(1).stop(), "pickle extension registry"),
                Arguments.of("calling a storage class", new PickleWriter().global("torch", "FloatStorage")
                        .op(')').reduce().stop(), "it calls a torch.FloatStorage"),
                Arguments.of("BUILD on a tensor", stateDictWithTensor().op('}').op('b').setItems().stop(),
                        "it sets the state of a tensor to a dict (BUILD)"),
                Arguments.of("unknown storage type", new PickleWriter().orderedDict().mark().str("w")
                        .tensor("ComplexFloatStorage", "0", 6, 0, SHAPE_2x3, STRIDES_2x3).setItems().stop(),
                        "unsupported tensor storage type torch.ComplexFloatStorage"),
                Arguments.of("lying string length", new PickleWriter().op('X').raw(PickleWriter.littleEndian(4, 1L << 30))
                        .stop(), "claims 1073741824 bytes, beyond the end of the pickle"),
                Arguments.of("truncated pickle", Arrays.copyOf(stateDictWithTensor().setItems().stop(), 60),
                        "archive/data.pkl is not a torch state_dict pickle: it ends in the middle of a global's name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forbiddenPickles")
    void forbiddenPickleIsRefused(String what, byte[] pickle, String message) {
        assertRefused(() -> TorchCheckpointReader.open(checkpoint(pickle, SIX_FLOATS)), "crafted.pt: ", message);
    }

    @Test
    void storageShorterThanDeclaredIsRefused() {
        assertRefused(() -> TorchCheckpointReader.open(checkpoint(stateDictWithTensor().setItems().stop(),
                Arrays.copyOf(SIX_FLOATS, 20))), "storage archive/data/0 holds 20 bytes, but its 6 F32 elements need 24");
    }

    @Test
    void missingStorageEntryIsRefused() {
        byte[] pickle = new PickleWriter().orderedDict().mark().str("w")
                .tensor("FloatStorage", "7", 6, 0, SHAPE_2x3, STRIDES_2x3).setItems().stop();
        assertRefused(() -> TorchCheckpointReader.open(checkpoint(pickle, SIX_FLOATS)),
                "storage entry archive/data/7 is missing");
    }

    static Stream<Arguments> viewsOutsideTheirStorage() {
        return Stream.of(
                Arguments.of(1L, new long[] {2, 3}, new long[] {3, 1}, "reaches element 6 of a storage that holds 6"),
                Arguments.of(0L, new long[] {3, 2}, new long[] {2, 5}, "reaches element 9"),
                Arguments.of(0L, new long[] {2, 3}, new long[] {3}, "differ in rank"),
                Arguments.of(-1L, new long[] {2}, new long[] {1}, "negative"),
                Arguments.of(0L, new long[] {2, 1L << 62}, new long[] {1L << 62, 1}, "overflows 64-bit indexing"));
    }

    @ParameterizedTest
    @MethodSource("viewsOutsideTheirStorage")
    void viewOutsideItsStorageIsRefused(long offset, long[] shape, long[] strides, String message) {
        byte[] pickle = new PickleWriter().orderedDict().mark().str("w")
                .tensor("FloatStorage", "0", 6, offset, shape, strides).setItems().stop();
        assertRefused(() -> TorchCheckpointReader.open(checkpoint(pickle, SIX_FLOATS)), "tensor 'w' is invalid", message);
    }

    @Test
    void nestedDictsAndOtherRootsAreNamed() {
        byte[] nested = new PickleWriter().op('}').mark().str("encoder").op('}').mark().str("w")
                .tensor("FloatStorage", "0", 6, 0, SHAPE_2x3, STRIDES_2x3).setItems().setItems().stop();
        assertRefused(() -> TorchCheckpointReader.open(checkpoint(nested, SIX_FLOATS)),
                "entry 'encoder' is a nested dict (keys w), not a tensor");
        byte[] list = new PickleWriter().op(']').stop();
        assertRefused(() -> TorchCheckpointReader.open(checkpoint(list, SIX_FLOATS)), "holds a list, not a state_dict");
    }

    @Test
    void bigEndianCheckpointIsRefused() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("archive/data.pkl", stateDictWithTensor().setItems().stop());
        entries.put("archive/byteorder", "big".getBytes());
        entries.put("archive/data/0", SIX_FLOATS);
        Path file = TestFiles.zip(dir.resolve("big.pt"), entries);
        assertRefused(() -> TorchCheckpointReader.open(file), "big.pt: the checkpoint was saved big-endian");
    }

    @Test
    void brokenArchivesAreRefused() throws IOException {
        Path noPickle = TestFiles.zip(dir.resolve("no_pickle.pt"), Map.of("archive/data/0", SIX_FLOATS));
        assertRefused(() -> TorchCheckpointReader.open(noPickle), "no_pickle.pt: not a PyTorch checkpoint",
                "no <name>/data.pkl");
        byte[] whole = Files.readAllBytes(checkpoint(stateDictWithTensor().setItems().stop(), SIX_FLOATS));
        Path truncated = Files.write(dir.resolve("truncated.pt"), Arrays.copyOf(whole, whole.length / 2));
        assertRefused(() -> TorchCheckpointReader.open(truncated), "truncated.pt: not a readable zip archive");
        Path garbage = Files.writeString(dir.resolve("garbage.pt"), "hello, world");
        assertRefused(() -> TorchCheckpointReader.open(garbage), "garbage.pt: not a PyTorch checkpoint (not a zip archive)");
        assertRefused(() -> TorchCheckpointReader.open(dir.resolve("absent.pt")), "absent.pt: no such file");
    }
}
