package org.speechmoe.converter.checkpoint;

import java.math.BigInteger;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The containers (tuples, lists, dicts, sets) a {@link TorchUnpickler} builds, with the limits that keep the work of
 * building and using them proportional to the pickle. The base unpickler builds the object graph iteratively, so the
 * graph itself is what needs bounding: Java's {@code hashCode}, {@code equals} and {@code toString} of lists and maps
 * recurse through it, and a few bytes of pickle can make it deep, self-referencing or exponentially shared.
 *
 * <ul>
 *   <li>Dict keys and set elements are scalars (str, int, float, bool, None): hashing one is bounded by its own size,
 *       never by a graph. A state_dict's keys are str; an optimizer's are int.</li>
 *   <li>A container, once nested in another, is never changed again. Python's pickler completes every child before
 *       its parent takes it, so only a recursive structure breaks this; with the rule, no cycle can be built and each
 *       container's depth is final when it is nested, so depth is tracked exactly.</li>
 *   <li>Nesting depth, the number of containers and the number of items put into them are capped far above what a
 *       state_dict (even with its optimizer state) needs: see the constants.</li>
 * </ul>
 */
final class PickleGraph {
    /** A training checkpoint nests about 8 deep (checkpoint, optimizer, state, param, tensor, args, shape). */
    static final int MAX_DEPTH = 100;
    /** About 5 per tensor (storage id, shape, strides, arguments, hooks): 200,000 tensors with optimizer state. */
    static final int MAX_CONTAINERS = 1 << 20;
    /** About 20 per tensor; together with {@link #MAX_CONTAINERS} this bounds the memory at a few hundred MiB. */
    static final int MAX_ITEMS = 1 << 22;
    /** Int dict keys beyond 64 bits are not needed, and hashing a huge one repeatedly would not be bounded. */
    private static final int MAX_KEY_BITS = Long.SIZE;

    /** How one container stands: its nesting depth (1 when empty) and whether another container holds it. */
    private static final class Node {
        int depth = 1;
        boolean nested;
    }

    /** Makes the refusal for one broken rule; the message says what the pickle does, the caller names the file. */
    interface Refusal {
        CheckpointException refuse(String problem);
    }

    private final Map<Object, Node> nodes = new IdentityHashMap<>();
    private final Refusal refusal;
    private long items;

    PickleGraph(Refusal refusal) {
        this.refusal = refusal;
    }

    /** Registers a new container holding {@code children}, which are nested in it from now on. */
    <T> T created(T container, Collection<?> children) throws CheckpointException {
        if (nodes.size() >= MAX_CONTAINERS) {
            throw refusal.refuse("builds more than " + MAX_CONTAINERS + " tuples, lists, dicts and sets");
        }
        nodes.put(container, new Node());
        added(container, children);
        return container;
    }

    /** Registers the result of an allowed call if it is a container (OrderedDict() is an empty one). */
    Object result(Object value) throws CheckpointException {
        return isContainer(value) && !nodes.containsKey(value) ? created(value, List.of()) : value;
    }

    /** Checks that {@code container} may still change and takes {@code children} into it. */
    void added(Object container, Collection<?> children) throws CheckpointException {
        Node node = nodes.get(container);
        if (node == null) {
            throw refusal.refuse("adds items to a " + PythonTypes.nameOf(container));
        }
        if (node.nested && !children.isEmpty()) {
            throw refusal.refuse("changes a " + PythonTypes.nameOf(container) + " after nesting it in another"
                    + " container (a recursive structure, which a state_dict never has)");
        }
        items += children.size();
        if (items > MAX_ITEMS) {
            throw refusal.refuse("puts more than " + MAX_ITEMS + " items into containers");
        }
        for (Object child : children) {
            Node inner = nodes.get(child);
            if (inner == null) {
                continue;
            }
            if (child == container) {
                throw refusal.refuse("puts a " + PythonTypes.nameOf(container) + " into itself"
                        + " (a recursive structure, which a state_dict never has)");
            }
            inner.nested = true;
            node.depth = Math.max(node.depth, inner.depth + 1);
        }
        if (node.depth > MAX_DEPTH) {
            throw refusal.refuse("nests containers more than " + MAX_DEPTH + " deep");
        }
    }

    /** Refuses what a state_dict never uses as a dict key or set element: anything but a small scalar. */
    void checkKey(Object key, String role) throws CheckpointException {
        boolean scalar = switch (key) {
            case null -> true;
            case String _, Integer _, Long _, Boolean _, Double _ -> true;
            case BigInteger b -> b.bitLength() < MAX_KEY_BITS;
            default -> false;
        };
        if (!scalar) {
            throw refusal.refuse("has a " + role + " of type " + PythonTypes.nameOf(key)
                    + (key instanceof BigInteger ? " beyond 64 bits" : "") + " (a state_dict's keys are str or int)");
        }
    }

    private static boolean isContainer(Object value) {
        return value instanceof Map || value instanceof Collection || value instanceof Object[];
    }
}
