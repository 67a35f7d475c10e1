package org.speechmoe.converter.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads the state_dict of a PyTorch zip checkpoint (what {@code torch.save} writes since 1.6): {@code <prefix>/data.pkl}
 * describes the tensors, {@code <prefix>/data/<key>} holds each storage's raw elements. The pickle is interpreted by
 * {@link TorchUnpickler}, which refuses anything a plain state_dict does not need.
 */
public final class TorchCheckpointReader {
    static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
    /** Protocol-2 pickle of the int 0x1950a86a20f9469cfc6c, torch's legacy magic number. */
    private static final byte[] LEGACY_MAGIC = {(byte) 0x80, 2, (byte) 0x8a, 10,
            0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};
    /** Keys under which training scripts commonly save the state_dict next to epoch, optimizer and the like. */
    private static final List<String> STATE_DICT_KEYS = List.of("model", "state_dict", "model_state_dict");
    /**
     * data.pkl describes the tensors, not their data: about 150 bytes per tensor, a few hundred KiB for a 3m-asr
     * model, a few MiB with optimizer state. 16 MiB (100,000 tensors) leaves room and keeps the unpickled objects to
     * a few hundred MiB of heap.
     */
    static final int MAX_PICKLE_BYTES = 16 << 20;

    private TorchCheckpointReader() {
    }

    public static Checkpoint open(Path file) throws CheckpointException {
        byte[] head = FileHead.read(file, LEGACY_MAGIC.length);
        if (!FileHead.startsWith(head, ZIP_MAGIC)) {
            throw new CheckpointException(FileHead.startsWith(head, LEGACY_MAGIC)
                    ? file + " is a legacy (pre-1.6) PyTorch checkpoint: re-save it with torch>=1.6:"
                            + " torch.save(torch.load(f), f)"
                    : file + ": not a PyTorch checkpoint (not a zip archive)");
        }
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new CheckpointException(file + ": not a readable zip archive (truncated or corrupt: "
                    + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot read: " + e.getMessage(), e);
        }
        try {
            return new OpenedCheckpoint(file, readTensors(file, zip), zip);
        } catch (CheckpointException | RuntimeException e) {
            try {
                zip.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static Map<String, SourceTensor> readTensors(Path file, ZipFile zip) throws CheckpointException {
        String prefix = archivePrefix(file, zip);
        checkByteOrder(file, zip, prefix);
        byte[] pickle = readEntry(file, zip, zip.getEntry(prefix + "/data.pkl"), MAX_PICKLE_BYTES);
        Map<?, ?> stateDict = findStateDict(file, new TorchUnpickler(file, zip, prefix).unpickle(pickle));
        Map<String, SourceTensor> tensors = new LinkedHashMap<>();
        for (var item : stateDict.entrySet()) {
            if (!(item.getKey() instanceof String name && item.getValue() instanceof PickledTensor t)) {
                throw notAStateDict(file, item.getKey(), item.getValue());
            }
            tensors.put(name, new SourceTensor(file, name, t.shape(), t.strides(), t.storageOffset(), t.storage()));
        }
        return tensors;
    }

    /** The directory holding data.pkl: the file's stem or "archive", as torch.save chose it. */
    private static String archivePrefix(Path file, ZipFile zip) throws CheckpointException {
        return zip.stream()
                .map(ZipEntry::getName)
                .filter(name -> name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length())
                .map(name -> name.substring(0, name.indexOf('/')))
                .findFirst()
                .orElseThrow(() -> new CheckpointException(
                        file + ": not a PyTorch checkpoint: the zip archive has no <name>/data.pkl"));
    }

    private static void checkByteOrder(Path file, ZipFile zip, String prefix) throws CheckpointException {
        ZipEntry entry = zip.getEntry(prefix + "/byteorder");
        if (entry == null) {
            return; // torch before 2.1 wrote none, and saved little-endian on every platform it ran on
        }
        String order = new String(readEntry(file, zip, entry, 16), StandardCharsets.US_ASCII).strip();
        if (order.equals("big")) {
            throw new CheckpointException(file + ": the checkpoint was saved big-endian (byteorder 'big'); only"
                    + " little-endian checkpoints are supported: re-save it on a little-endian machine");
        }
        if (!order.equals("little")) {
            throw new CheckpointException(file + ": unknown byteorder '" + order + "' (expected 'little')");
        }
    }

    /**
     * Reads a whole entry of at most {@code maxBytes}. The size the archive declares refuses a large entry early, but
     * is not trusted: inflating stops one byte past the limit whatever the header says.
     */
    private static byte[] readEntry(Path file, ZipFile zip, ZipEntry entry, int maxBytes) throws CheckpointException {
        if (entry.getSize() > maxBytes) {
            throw tooLarge(file, entry, maxBytes);
        }
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw tooLarge(file, entry, maxBytes);
            }
            return bytes;
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot read " + entry.getName() + ": " + e.getMessage(), e);
        }
    }

    private static CheckpointException tooLarge(Path file, ZipEntry entry, int maxBytes) {
        return new CheckpointException(file + ": refusing to load: " + entry.getName() + " inflates to more than "
                + maxBytes + " bytes, the limit for " + (entry.getName().endsWith(".pkl")
                        ? "a state_dict's pickle (it describes the tensors, not their data)" : "this entry"));
    }

    /** The pickled object itself, or the dict it holds under one of {@link #STATE_DICT_KEYS}. */
    private static Map<?, ?> findStateDict(Path file, Object root) throws CheckpointException {
        if (!(root instanceof Map<?, ?> dict)) {
            throw new CheckpointException(file + ": the checkpoint holds a " + PythonTypes.nameOf(root)
                    + ", not a state_dict (a dict of name -> tensor)");
        }
        for (String key : STATE_DICT_KEYS) {
            if (dict.get(key) instanceof Map<?, ?> stateDict) {
                return stateDict;
            }
        }
        return dict;
    }

    private static CheckpointException notAStateDict(Path file, Object key, Object value) {
        String found = value instanceof Map<?, ?> nested
                ? "a nested dict (keys " + nested.keySet().stream().limit(5).map(String::valueOf)
                        .collect(Collectors.joining(", ")) + (nested.size() > 5 ? ", ..." : "") + ")"
                : "a " + PythonTypes.nameOf(value);
        return new CheckpointException(file + ": entry '" + key + "' is " + found + ", not a tensor; expected a"
                + " state_dict (name -> tensor), or a dict holding one under " + String.join(", ", STATE_DICT_KEYS));
    }
}
