package org.speechmoe.converter.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 *
 * <p>The work is bounded by the pickle's size: the base class reads opcodes in a loop (no recursion), the containers
 * it would build are built here under the limits of {@link PickleGraph} (depth, counts, scalar keys, no cycles), and
 * the memo, the stack and decimal ints have limits of their own. Limits are checked as the pickle is interpreted,
 * where the objects are made, rather than by a pre-scan of the opcodes: a pre-scan would have to model the memo and
 * the mutation of shared containers to know their depth, that is, unpickle a second time.
 */
final class TorchUnpickler extends Unpickler {
    private static final Map<?, ?> NO_KEYWORDS = Map.of();
    /** Torch memoizes about 8 objects per tensor. */
    static final int MAX_MEMO_ENTRIES = 1 << 20;
    /** A state_dict pickle holds at most a batch of 1000 dict items and the nesting above it on its stack. */
    static final int MAX_STACK = 1 << 20;
    /** Protocol 2 writes ints in binary; a decimal one (protocol 0) longer than this is no tensor's size. */
    static final int MAX_DECIMAL_DIGITS = 40;

    private final Path file;
    private final ZipFile zip;
    private final String prefix;
    private final PickleGraph graph = new PickleGraph(this::overLimit);

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
        Object value = dispatchBounded(key);
        if (memo.size() > MAX_MEMO_ENTRIES) {
            throw overLimit("memoizes more than " + MAX_MEMO_ENTRIES + " objects");
        }
        if (stack.size() > MAX_STACK) {
            throw overLimit("holds more than " + MAX_STACK + " objects on the unpickling stack");
        }
        return value;
    }

    private Object dispatchBounded(short key) throws IOException {
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
                stack.add(call(callable, tuple(stack.pop_all_since_marker()), NO_KEYWORDS));
            }
            case Opcodes.OBJ -> {
                List<Object> callableAndArgs = stack.pop_all_since_marker();
                Object[] args = tuple(callableAndArgs.subList(1, callableAndArgs.size()));
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
            case Opcodes.EMPTY_TUPLE -> stack.add(tuple(List.of()));
            case Opcodes.TUPLE -> stack.add(tuple(stack.pop_all_since_marker()));
            case Opcodes.TUPLE1, Opcodes.TUPLE2, Opcodes.TUPLE3 -> {
                Object[] items = new Object[key - Opcodes.TUPLE1 + 1];
                for (int i = items.length - 1; i >= 0; i--) {
                    items[i] = stack.pop();
                }
                stack.add(tuple(Arrays.asList(items)));
            }
            case Opcodes.EMPTY_LIST -> stack.add(graph.created(new ArrayList<>(), List.of()));
            case Opcodes.LIST -> {
                List<Object> items = stack.pop_all_since_marker();
                stack.add(graph.created(new ArrayList<>(items), items));
            }
            case Opcodes.APPEND -> append(Arrays.asList(stack.pop()));
            case Opcodes.APPENDS -> append(stack.pop_all_since_marker());
            case Opcodes.EMPTY_DICT -> stack.add(graph.created(new LinkedHashMap<>(), List.of()));
            case Opcodes.DICT -> {
                List<Object> pairs = stack.pop_all_since_marker();
                stack.add(putPairs(graph.created(new LinkedHashMap<>(), List.of()), pairs));
            }
            case Opcodes.SETITEM -> {
                Object value = stack.pop();
                Object itemKey = stack.pop();
                putPairs(stack.peek(), Arrays.asList(itemKey, value));
            }
            case Opcodes.SETITEMS -> {
                List<Object> pairs = stack.pop_all_since_marker();
                putPairs(stack.peek(), pairs);
            }
            case Opcodes.EMPTY_SET -> stack.add(graph.created(new LinkedHashSet<>(), List.of()));
            case Opcodes.FROZENSET -> stack.add(addToSet(graph.created(new LinkedHashSet<>(), List.of()),
                    stack.pop_all_since_marker()));
            case Opcodes.ADDITEMS -> {
                List<Object> items = stack.pop_all_since_marker();
                addToSet(stack.peek(), items);
            }
            case Opcodes.LONG -> {
                // Parsing a decimal int takes time quadratic in its length; no int a state_dict holds is that long.
                String digits = PickleUtils.readline(input);
                if (digits.length() > MAX_DECIMAL_DIGITS) {
                    throw overLimit("writes a decimal int of more than " + MAX_DECIMAL_DIGITS + " digits");
                }
                String number = digits.endsWith("L") ? digits.substring(0, digits.length() - 1) : digits;
                stack.add(PickleUtils.optimizeBigint(new BigInteger(number)));
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
            return graph.result(global.call(args, kwargs));
        }
        throw malformed("it calls a " + PythonTypes.nameOf(callable));
    }

    private Object[] tuple(List<Object> items) throws CheckpointException {
        return graph.created(items.toArray(), items);
    }

    @SuppressWarnings("unchecked")
    private void append(List<Object> items) throws CheckpointException {
        if (!(stack.peek() instanceof List<?> list)) {
            throw malformed("it appends to a " + PythonTypes.nameOf(stack.peek()));
        }
        graph.added(list, items);
        ((List<Object>) list).addAll(items);
    }

    @SuppressWarnings("unchecked")
    private Map<?, ?> putPairs(Object target, List<Object> keysAndValues) throws CheckpointException {
        if (!(target instanceof Map<?, ?> dict)) {
            throw malformed("it sets items of a " + PythonTypes.nameOf(target));
        }
        if (keysAndValues.size() % 2 != 0) {
            throw malformed("odd number of dict items");
        }
        for (int i = 0; i < keysAndValues.size(); i += 2) {
            graph.checkKey(keysAndValues.get(i), "dict key");
        }
        graph.added(dict, keysAndValues);
        for (int i = 0; i < keysAndValues.size(); i += 2) {
            ((Map<Object, Object>) dict).put(keysAndValues.get(i), keysAndValues.get(i + 1));
        }
        return dict;
    }

    @SuppressWarnings("unchecked")
    private Set<?> addToSet(Object target, List<Object> items) throws CheckpointException {
        if (!(target instanceof Set<?> set)) {
            throw malformed("it adds set items to a " + PythonTypes.nameOf(target));
        }
        for (Object item : items) {
            graph.checkKey(item, "set element");
        }
        graph.added(set, items);
        ((Set<Object>) set).addAll(items);
        return set;
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

    /** A limit of {@link PickleGraph} or of this unpickler that the pickle goes beyond. */
    private CheckpointException overLimit(String problem) {
        return new CheckpointException(file + ": refusing to load: " + prefix + "/data.pkl " + problem
                + ", beyond what a state_dict needs");
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
