package org.speechmoe.converter.checkpoint;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Python's names for what the unpickler produced, so that messages speak the language of the checkpoint's author. */
final class PythonTypes {
    private PythonTypes() {
    }

    static String nameOf(Object value) {
        return switch (value) {
            case null -> "None";
            case PickledTensor _ -> "tensor";
            case TensorStorage _ -> "storage";
            case Map<?, ?> _ -> "dict";
            case List<?> _ -> "list";
            case Set<?> _ -> "set";
            case Object[] _ -> "tuple";
            case String _ -> "str";
            case byte[] _ -> "bytes";
            case Boolean _ -> "bool";
            case Integer _, Long _, BigInteger _ -> "int";
            case Double _ -> "float";
            case AllowedGlobal g -> g.toString();
            case SourceDType t -> t.torchStorageClass();
            default -> value.getClass().getSimpleName();
        };
    }
}
