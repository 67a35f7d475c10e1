package org.speechmoe.converter.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Seeded fuzz of the PyTorch reader: random opcode streams (with the memo, marks, containers and allowed globals a
 * state_dict uses, so that they get past the first opcode) and randomly damaged archives. Every one ends in a one-line
 * CheckpointException or in tensors that read; never another exception, an error or a hang.
 */
class HostileCheckpointProperties {
    private static Path dir;

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("hostile");
    }

    @AfterContainer
    static void removeDir() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }

    /** Pieces of pickles: single opcodes (with small arguments) and the fragments torch writes. */
    @Provide
    Arbitrary<byte[]> pieces() {
        List<Integer> plain = "()]}Naeltdsu012RbQ.oi".chars().boxed().collect(Collectors.toCollection(ArrayList::new));
        plain.addAll(List.of(0x85, 0x86, 0x87, 0x88, 0x89, 0x8f, 0x90, 0x91, 0x94, 0x81, 0x92));
        Arbitrary<byte[]> opcodes = Arbitraries.of(plain).map(op -> new byte[] {op.byteValue()});
        Arbitrary<byte[]> withArgument = Arbitraries.of((int) 'q', (int) 'h', (int) 'K', (int) 'U', (int) 'C', 0x8a)
                .flatMap(op -> Arbitraries.integers().between(0, 6).map(n -> op == 'U' || op == 'C' || op == 0x8a
                        ? new byte[] {op.byteValue(), n.byteValue(), 'a', 'b', 'c', 'd', 'e', 'f'}
                        : new byte[] {op.byteValue(), n.byteValue()}));
        Arbitrary<byte[]> fragments = Arbitraries.of(
                new PickleWriter().orderedDict().stop(),
                new PickleWriter().str("w").stop(),
                new PickleWriter().tensor("FloatStorage", "0", 6, 0, new long[] {2, 3}, new long[] {3, 1}).stop(),
                new PickleWriter().global("torch._utils", "_rebuild_parameter").stop(),
                new PickleWriter().global("torch", "FloatStorage").stop(),
                new PickleWriter().global("posix", "system").stop(),
                new PickleWriter().op('X').raw(PickleWriter.littleEndian(4, 1L << 31)).stop(),
                new PickleWriter().integer(Long.MAX_VALUE).stop())
                .map(bytes -> Arrays.copyOfRange(bytes, 2, bytes.length - 1)); // without PROTO and STOP
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(6);
        return Arbitraries.frequencyOf(Tuple.of(8, opcodes), Tuple.of(3, withArgument), Tuple.of(2, fragments),
                Tuple.of(1, random));
    }

    @Provide
    Arbitrary<List<byte[]>> pickles() {
        return pieces().list().ofMaxSize(60);
    }

    @Property(tries = 250, seed = "20240615")
    void hostilePickleIsRefusedOrReads(@ForAll("pickles") List<byte[]> pieces) throws IOException {
        PickleWriter pickle = new PickleWriter();
        pieces.forEach(pickle::raw);
        readOrRefuse(CheckpointLimitsTest.checkpoint(dir.resolve("fuzz.pt"), pickle.stop()));
    }

    /** A valid checkpoint with bytes overwritten and maybe cut short: refused, or its one tensor reads as saved. */
    @Property(tries = 150, seed = "20240615")
    void damagedArchiveIsRefusedOrReads(@ForAll("damage") List<Integer> damage) throws IOException {
        byte[] zip = Files.readAllBytes(CheckpointLimitsTest.checkpoint(dir.resolve("valid.pt"), new PickleWriter()
                .orderedDict().mark().str("w").tensor("FloatStorage", "0", 6, 0, new long[] {2, 3}, new long[] {3, 1})
                .setItems().stop()));
        int length = zip.length - damage.getFirst() % zip.length;
        for (int i = 1; i + 1 < damage.size(); i += 2) {
            zip[damage.get(i) % zip.length] = (byte) (int) damage.get(i + 1);
        }
        Path file = Files.write(dir.resolve("damaged.pt"), Arrays.copyOf(zip, length));
        Map<String, float[]> read = readOrRefuse(file);
        if (read != null && read.containsKey("w") && length == zip.length && damage.size() < 2) {
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, read.get("w"));
        }
    }

    @Provide
    Arbitrary<List<Integer>> damage() {
        Arbitrary<Integer> cut = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(0)),
                Tuple.of(1, Arbitraries.integers().between(0, 1 << 16)));
        return Arbitraries.integers().between(0, 1 << 16).list().ofMaxSize(8)
                .flatMap(rest -> cut.map(c -> {
                    List<Integer> all = new ArrayList<>(rest);
                    all.addFirst(c);
                    return all;
                }));
    }

    /** The tensors as floats, or null when refused with a one-line message. */
    private static Map<String, float[]> readOrRefuse(Path file) {
        try (Checkpoint checkpoint = TorchCheckpointReader.open(file)) {
            Map<String, float[]> values = new LinkedHashMap<>();
            for (SourceTensor tensor : checkpoint.tensors().values()) {
                values.put(tensor.name(), tensor.toFloats());
                assertEquals(tensor.elementCount(), values.get(tensor.name()).length);
            }
            return values;
        } catch (CheckpointException e) {
            assertFalse(e.getMessage().contains("\n"), () -> "not one line: " + e.getMessage());
            return null;
        }
    }
}
