package org.speechmoe.converter.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * Unpickles a torch {@code data.pkl} without constructing or calling anything outside {@link AllowedGlobal} and the
 * typed storage classes: every opcode that names a global or calls/builds an object is handled here, never by the
 * base class, whose default turns unknown globals into dictionaries and knows datetime, decimal, array and more.
 * Dicts keep their insertion order, which is the order of the state_dict.
 */
final class TorchUnpickler extends Unpickler {
    private static final Map<?, ?> NO_KEYWORDS = Map.of();

    private final Path file;
    private final ZipFile zip;
    private final String prefix;

    TorchUnpickler(Path file, ZipFile zip, String prefix) {
        this.file = file;
        this.zip = zip;
        this.prefix = prefix;
    }

    Object unpickle(byte[] pickle) throws CheckpointException {
        try {
            return load(new ByteArrayInputStream(pickle));
        } catch (CheckpointException e) {
            throw e;
        } catch (UncheckedIOException e) {
            throw e.getCause() instanceof CheckpointException c ? c : malformed(e);
        } catch (IOException | RuntimeException e) {
            throw malformed(e);
        } finally {
            close();
        }
    }

    @Override
    protected Object dispatch(short key) throws IOException {
        switch (key) {
            case Opcodes.GLOBAL -> {
                String module = readNameLine();
                stack.add(resolve(module, readNameLine()));
            }
            case Opcodes.STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(module instanceof String m && name instanceof String n)) {
                    throw malformed("STACK_GLOBAL names a global by a " + PythonTypes.nameOf(module) + " and a "
                            + PythonTypes.nameOf(name));
                }
                stack.add(resolve(m, n));
            }
            case Opcodes.INST -> {
                String module = readNameLine();
                Object callable = resolve(module, readNameLine());
                stack.add(call(callable, stack.pop_all_since_marker().toArray(), NO_KEYWORDS));
            }
            case Opcodes.OBJ -> {
                List<Object> callableAndArgs = stack.pop_all_since_marker();
                Object[] args = callableAndArgs.subList(1, callableAndArgs.size()).toArray();
                stack.add(call(callableAndArgs.getFirst(), args, NO_KEYWORDS));
            }
            case Opcodes.REDUCE, Opcodes.NEWOBJ -> {
                Object args = stack.pop();
                stack.add(call(stack.pop(), (Object[]) args, NO_KEYWORDS));
            }
            case Opcodes.NEWOBJ_EX -> {
                Object kwargs = stack.pop();
                Object args = stack.pop();
                stack.add(call(stack.pop(), (Object[]) args, (Map<?, ?>) kwargs));
            }
            case Opcodes.BUILD -> {
                Object state = stack.pop();
                // OrderedDict state is the state_dict's _metadata (module versions), which the weights do not depend on.
                if (!(stack.peek() instanceof Map)) {
                    throw malformed("it sets the state of a " + PythonTypes.nameOf(stack.peek()) + " to a "
                            + PythonTypes.nameOf(state) + " (BUILD)");
                }
            }
            case Opcodes.EXT1, Opcodes.EXT2, Opcodes.EXT4 -> throw new CheckpointException(file + ": refusing to load:"
                    + " the checkpoint uses the pickle extension registry (EXT opcodes), which a state_dict never needs");
            case Opcodes.EMPTY_DICT -> stack.add(new LinkedHashMap<>());
            case Opcodes.DICT -> stack.add(putPairs(new LinkedHashMap<>(), stack.pop_all_since_marker()));
            case Opcodes.SETITEMS -> {
                List<Object> pairs = stack.pop_all_since_marker();
                putPairs((Map<?, ?>) stack.peek(), pairs);
            }
            case Opcodes.BINSTRING, Opcodes.BINBYTES, Opcodes.BINUNICODE, Opcodes.LONG4 -> {
                checkLength(4);
                return super.dispatch(key);
            }
            case Opcodes.BINUNICODE8, Opcodes.BINBYTES8, Opcodes.BYTEARRAY8 -> {
                checkLength(8);
                return super.dispatch(key);
            }
            default -> {
                return super.dispatch(key);
            }
        }
        return NO_RETURN_VALUE;
    }

    /** A persistent id {@code ('storage', storage_class, key, location, numel)} names the entry {@code data/<key>}. */
    @Override
    protected Object persistentLoad(Object pid) {
        if (!(pid instanceof Object[] id && id.length == 5 && "storage".equals(id[0]) && id[2] instanceof String key)) {
            throw new PickleException("unsupported persistent id (expected ('storage', type, key, location, numel))");
        }
        if (!(id[1] instanceof SourceDType dtype)) {
            throw new PickleException("storage type " + PythonTypes.nameOf(id[1]) + " is not a storage class");
        }
        try {
            return ZipEntryStorage.open(file, zip, prefix + "/data/" + key, dtype, AllowedGlobal.toLong(id[4]));
        } catch (CheckpointException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Object resolve(String module, String name) throws CheckpointException {
        String qualifiedName = module + "." + name;
        var storage = SourceDType.fromTorchStorageClass(qualifiedName);
        if (storage.isPresent()) {
            return storage.get();
        }
        var global = AllowedGlobal.named(qualifiedName);
        if (global.isPresent()) {
            return global.get();
        }
        if (module.equals("torch") && name.endsWith("Storage")) {
            throw new CheckpointException(file + ": unsupported tensor storage type " + qualifiedName
                    + " (supported: float64, float32, float16, bfloat16, int64, int32, int16, int8, uint8, bool)");
        }
        throw new CheckpointException(file + ": refusing to load: the checkpoint references " + qualifiedName
                + ", which a state_dict never needs (loading must not execute code)");
    }

    private Object call(Object callable, Object[] args, Map<?, ?> kwargs) throws CheckpointException {
        if (callable instanceof AllowedGlobal global) {
            return global.call(args, kwargs);
        }
        throw malformed("it calls a " + PythonTypes.nameOf(callable));
    }

    @SuppressWarnings("unchecked")
    private static Map<?, ?> putPairs(Map<?, ?> dict, List<Object> keysAndValues) {
        if (keysAndValues.size() % 2 != 0) {
            throw new PickleException("odd number of dict items");
        }
        for (int i = 0; i < keysAndValues.size(); i += 2) {
            ((Map<Object, Object>) dict).put(keysAndValues.get(i), keysAndValues.get(i + 1));
        }
        return dict;
    }

    /** The base class would return a partial line at the end of the pickle, naming a global that is not there. */
    private String readNameLine() throws IOException {
        String line = PickleUtils.readline(input, true);
        if (!line.endsWith("\n")) {
            throw malformed("it ends in the middle of a global's name");
        }
        return line.substring(0, line.length() - 1);
    }

    /** Refuses a length prefix beyond the end of the pickle before the base class allocates that many bytes. */
    private void checkLength(int prefixBytes) throws IOException {
        input.mark(prefixBytes);
        byte[] prefixed = input.readNBytes(prefixBytes);
        input.reset();
        long length = 0;
        for (int i = prefixed.length - 1; i >= 0; i--) {
            length = length << 8 | (prefixed[i] & 0xff);
        }
        if (prefixed.length < prefixBytes || length < 0 || length > input.available() - prefixBytes) {
            throw malformed("a string or number claims " + Long.toUnsignedString(length)
                    + " bytes, beyond the end of the pickle");
        }
    }

    private CheckpointException malformed(String problem) {
        return new CheckpointException(file + ": " + prefix + "/data.pkl is not a torch state_dict pickle: " + problem);
    }

    private CheckpointException malformed(Exception e) {
        CheckpointException malformed = malformed(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        malformed.initCause(e);
        return malformed;
    }
}
