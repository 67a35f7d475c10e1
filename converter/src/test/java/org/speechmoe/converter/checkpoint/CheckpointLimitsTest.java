package org.speechmoe.converter.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.speechmoe.converter.checkpoint.TestFiles.assertRefused;
import static org.speechmoe.converter.checkpoint.TestFiles.floatsLE;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Small files that would make the reader hang, recurse or run out of memory: each is one line naming the limit. */
class CheckpointLimitsTest {
    private static final Duration QUICKLY = Duration.ofSeconds(10);
    private static final byte[] SIX_FLOATS = floatsLE(1, 2, 3, 4, 5, 6);

    @TempDir
    Path dir;

    /** An archive of {@code pickle} and the six floats 1..6 as storage 0. */
    static Path checkpoint(Path file, byte[] pickle) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("archive/data.pkl", pickle);
        entries.put("archive/data/0", SIX_FLOATS);
        return TestFiles.zip(file, entries);
    }

    private void assertPickleRefused(byte[] pickle, String... fragments) throws IOException {
        Path file = checkpoint(dir.resolve("hostile.pt"), pickle);
        assertTimeoutPreemptively(QUICKLY, () -> assertRefused(() -> TorchCheckpointReader.open(file), fragments));
    }

    private static PickleWriter repeat(PickleWriter pickle, int times, int... opcodes) {
        byte[] run = new byte[times * opcodes.length];
        for (int i = 0; i < run.length; i++) {
            run[i] = (byte) opcodes[i % opcodes.length];
        }
        return pickle.raw(run);
    }

    /** Each list holds the previous one twice (by memo): hashing the last as a dict key would take 2^63 steps. */
    @Test
    void exponentiallySharedListsAsDictKeyAreRefused() throws IOException {
        PickleWriter pickle = new PickleWriter().op('}').op(']').op('q').op(0).op('0');
        for (int i = 1; i <= 63; i++) {
            pickle.mark().op('h').op(i - 1).op('h').op(i - 1).op('l').op('q').op(i).op('0');
        }
        byte[] bytes = pickle.op('h').op(63).str("x").op('s').stop();
        assertEquals(true, bytes.length < 1000);
        assertPickleRefused(bytes, "refusing to load: archive/data.pkl has a dict key of type list");
    }

    @Test
    void deepNestingIsRefused() throws IOException {
        int depth = 200_000;
        assertPickleRefused(repeat(repeat(new PickleWriter(), depth, ']'), depth - 1, 'a').stop(),
                "nests containers more than " + PickleGraph.MAX_DEPTH + " deep");
        assertPickleRefused(repeat(repeat(new PickleWriter(), depth, '('), depth, 'l').stop(),
                "nests containers more than " + PickleGraph.MAX_DEPTH + " deep");
        assertPickleRefused(repeat(new PickleWriter().op(')'), depth, 0x85).stop(),
                "nests containers more than " + PickleGraph.MAX_DEPTH + " deep");
    }

    @Test
    void deepNestingBelowTheLimitReads() throws IOException {
        byte[] pickle = repeat(repeat(new PickleWriter().op('}').str("deep"), PickleGraph.MAX_DEPTH - 1, '('),
                PickleGraph.MAX_DEPTH - 1, 'l').op('s').stop();
        Path file = checkpoint(dir.resolve("deep.pt"), pickle);
        assertRefused(() -> TorchCheckpointReader.open(file), "entry 'deep' is a list, not a tensor");
    }

    static Stream<Arguments> recursiveStructures() {
        return Stream.of(
                Arguments.of("list in itself", new PickleWriter().op(']').op('q').op(0).op('h').op(0).op('a').stop(),
                        "puts a list into itself"),
                Arguments.of("dict in itself", new PickleWriter().op('}').op('q').op(0).str("k").op('h').op(0)
                        .op('s').stop(), "puts a dict into itself"),
                Arguments.of("two lists in each other", new PickleWriter().op(']').op('q').op(0).op(']').op('q').op(1)
                        .op('h').op(0).op('a').op('0').op('h').op(0).op('h').op(1).op('a').stop(),
                        "changes a list after nesting it in another container"),
                Arguments.of("tuple as key", new PickleWriter().op('}').op(')').str("v").op('s').stop(),
                        "has a dict key of type tuple"),
                Arguments.of("dict in a set", new PickleWriter().op(0x8f).mark().op('}').op(0x90).stop(),
                        "has a set element of type dict"),
                Arguments.of("huge int as key", new PickleWriter().op('}')
                        .op(0x8a).op(9).raw(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 1}).op('N').op('s').stop(),
                        "has a dict key of type int beyond 64 bits"),
                Arguments.of("long decimal int", new PickleWriter().op('L').raw(("1".repeat(1000) + "L\n").getBytes())
                        .stop(), "writes a decimal int of more than " + TorchUnpickler.MAX_DECIMAL_DIGITS + " digits"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recursiveStructures")
    void recursiveStructuresAndUnboundedKeysAreRefused(String what, byte[] pickle, String message) throws IOException {
        assertPickleRefused(pickle, "refusing to load: archive/data.pkl " + message);
    }

    static Stream<Arguments> counts() {
        return Stream.of(
                Arguments.of("memo", repeat(new PickleWriter().op('N'), TorchUnpickler.MAX_MEMO_ENTRIES + 1, 0x94)
                        .stop(), "memoizes more than " + TorchUnpickler.MAX_MEMO_ENTRIES + " objects"),
                Arguments.of("stack", repeat(new PickleWriter(), TorchUnpickler.MAX_STACK + 1, 'N').stop(),
                        "holds more than " + TorchUnpickler.MAX_STACK + " objects on the unpickling stack"),
                Arguments.of("containers", repeat(new PickleWriter(), PickleGraph.MAX_CONTAINERS + 1, ']', '0')
                        .stop(), "builds more than " + PickleGraph.MAX_CONTAINERS + " tuples, lists, dicts and sets"),
                Arguments.of("items", repeat(new PickleWriter().op(']'), PickleGraph.MAX_ITEMS + 1, 'N', 'a')
                        .stop(), "puts more than " + PickleGraph.MAX_ITEMS + " items into containers"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("counts")
    void countsAreBounded(String what, byte[] pickle, String message) throws IOException {
        assertPickleRefused(pickle, "refusing to load: archive/data.pkl " + message);
    }

    /** What torch.save writes for a training script: the state_dict beside optimizer state keyed by int. */
    @Test
    void trainingCheckpointWithOptimizerStateReads() throws IOException {
        PickleWriter pickle = new PickleWriter().op('}').mark().str("model").orderedDict().mark().str("w")
                .tensor("FloatStorage", "0", 6, 0, new long[] {2, 3}, new long[] {3, 1}).setItems();
        pickle.str("optimizer").op('}').mark().str("state").op('}').op('K').op(0).op('}').str("step").op('K').op(3)
                .op('s').op('s').str("param_groups").op(']').op('}').str("params").op(']').op('K').op(0).op('a')
                .op('s').op('a').setItems().setItems();
        Path file = checkpoint(dir.resolve("training.pt"), pickle.stop());
        try (Checkpoint checkpoint = TorchCheckpointReader.open(file)) {
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, checkpoint.tensors().get("w").toFloats());
        }
    }

    /** 250 MiB of zeros deflate to about 250 KB; the archive declares the size and is refused before inflating. */
    @Test
    void zipBombIsRefusedByItsDeclaredSize() throws IOException {
        Path file = dir.resolve("bomb.pt");
        byte[] zeros = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.setLevel(Deflater.BEST_SPEED);
            zip.putNextEntry(new ZipEntry("archive/data.pkl"));
            for (int i = 0; i < 250; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        assertEquals(true, Files.size(file) < 2 << 20);
        assertTimeoutPreemptively(QUICKLY, () -> assertRefused(() -> TorchCheckpointReader.open(file),
                "bomb.pt: refusing to load: archive/data.pkl inflates to more than "
                        + TorchCheckpointReader.MAX_PICKLE_BYTES + " bytes"));
    }

    /** The central directory claims 100 bytes; inflating stops just past the limit all the same. */
    @Test
    void zipEntryLyingAboutItsSizeIsRefusedWhileInflating() throws IOException {
        byte[] zeros = new byte[TorchCheckpointReader.MAX_PICKLE_BYTES + 4096];
        Path file = TestFiles.zip(dir.resolve("lying.pt"), Map.of("archive/data.pkl", zeros));
        Files.write(file, declareSize(Files.readAllBytes(file), "archive/data.pkl", 100));
        assertRefused(() -> TorchCheckpointReader.open(file), "lying.pt: refusing to load: archive/data.pkl inflates"
                + " to more than " + TorchCheckpointReader.MAX_PICKLE_BYTES + " bytes");
    }

    /** Rewrites the uncompressed size of {@code name} in the zip's central directory. */
    static byte[] declareSize(byte[] zip, String name, int size) {
        ByteBuffer bytes = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = zip.length - 46; at >= 0; at--) {
            if (bytes.getInt(at) == 0x02014b50 && bytes.getShort(at + 28) == name.length()
                    && new String(zip, at + 46, name.length()).equals(name)) {
                bytes.putInt(at + 24, size);
                return zip;
            }
        }
        throw new IllegalArgumentException(name + " not in the central directory");
    }
}
