package org.speechmoe.converter.checkpoint;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import net.razorvine.pickle.PickleException;

/**
 * The callables a PyTorch state_dict pickle may name, each re-implemented here so that loading never runs code from
 * the file. Besides the typed storage classes (see {@link SourceDType}), torch 1.13 writes OrderedDict,
 * _rebuild_tensor_v2 and, for {@code keep_vars=True}, _rebuild_parameter; torch 2.x adds
 * _rebuild_parameter_with_state for a Parameter that carries Python attributes.
 */
enum AllowedGlobal {
    /** {@code OrderedDict()}: the state_dict itself and every tensor's empty {@code backward_hooks}. */
    ORDERED_DICT("collections.OrderedDict", 0, 0) {
        @Override
        Object apply(Object[] args) {
            return new LinkedHashMap<>();
        }
    },
    /** {@code (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])}. */
    REBUILD_TENSOR_V2("torch._utils._rebuild_tensor_v2", 6, 7) {
        @Override
        Object apply(Object[] args) {
            if (!(args[0] instanceof TensorStorage storage)) {
                throw new PickleException(this + " got a " + PythonTypes.nameOf(args[0]) + " instead of a storage");
            }
            return new PickledTensor(storage, toLong(args[1]), toLongs(args[2]), toLongs(args[3]));
        }
    },
    /** {@code (data, requires_grad, backward_hooks)}: what {@code state_dict(keep_vars=True)} holds. */
    REBUILD_PARAMETER("torch._utils._rebuild_parameter", 3, 3) {
        @Override
        Object apply(Object[] args) {
            return tensor(args[0]);
        }
    },
    /** {@code (data, requires_grad, backward_hooks, state)}: a Parameter with Python attributes, which do not matter here. */
    REBUILD_PARAMETER_WITH_STATE("torch._utils._rebuild_parameter_with_state", 4, 4) {
        @Override
        Object apply(Object[] args) {
            return tensor(args[0]);
        }
    };

    private final String qualifiedName;
    private final int minArgs;
    private final int maxArgs;

    AllowedGlobal(String qualifiedName, int minArgs, int maxArgs) {
        this.qualifiedName = qualifiedName;
        this.minArgs = minArgs;
        this.maxArgs = maxArgs;
    }

    static Optional<AllowedGlobal> named(String qualifiedName) {
        return Arrays.stream(values()).filter(g -> g.qualifiedName.equals(qualifiedName)).findFirst();
    }

    /** Calls this global; malformed arguments are a {@link PickleException}, as for any other malformed pickle. */
    Object call(Object[] args, Map<?, ?> kwargs) {
        if (!kwargs.isEmpty() || args.length < minArgs || args.length > maxArgs) {
            throw new PickleException(this + " called with " + args.length + " arguments"
                    + (kwargs.isEmpty() ? "" : " and keywords " + kwargs.keySet()));
        }
        return apply(args);
    }

    abstract Object apply(Object[] args);

    @Override
    public String toString() {
        return qualifiedName;
    }

    PickledTensor tensor(Object data) {
        if (data instanceof PickledTensor tensor) {
            return tensor;
        }
        throw new PickleException(this + " got a " + PythonTypes.nameOf(data) + " instead of a tensor");
    }

    private static long[] toLongs(Object tuple) {
        if (!(tuple instanceof Object[] items)) {
            throw new PickleException("expected a tuple of ints, found a " + PythonTypes.nameOf(tuple));
        }
        return Arrays.stream(items).mapToLong(AllowedGlobal::toLong).toArray();
    }

    static long toLong(Object value) {
        return switch (value) {
            case Integer i -> i;
            case Long l -> l;
            case BigInteger b when b.bitLength() < Long.SIZE -> b.longValue();
            default -> throw new PickleException("expected a 64-bit int, found " + PythonTypes.nameOf(value));
        };
    }
}
