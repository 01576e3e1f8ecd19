package dev.fiber.core.checkpoint;

import java.math.BigInteger;

/** Python value rules the unpickler needs: which values are hashable and how deep immutables nest. */
final class PickleValues {

    private PickleValues() {}

    /**
     * @param o an unpickled value
     * @return whether Python could use it as a dict key or set element (lists, dicts and mutable sets
     *     cannot; tuples only if all their elements can)
     */
    static boolean isHashable(Object o) {
        if (o == null || o instanceof String || o instanceof Long || o instanceof Boolean
                || o instanceof Double || o instanceof BigInteger || o instanceof byte[]
                || o instanceof TensorRef || o instanceof StorageSlice || o instanceof PyGlobal
                || o instanceof TorchDType || o instanceof FrozenSetValue) {
            return true;
        }
        if (o instanceof PyTuple t) {
            return t.isHashable();
        }
        return false;
    }

    /** Nesting depth of tuples and frozensets, whose depth is fixed when they are built. */
    static int immutableDepth(Object o) {
        if (o instanceof PyTuple t) {
            return t.depth();
        }
        if (o instanceof FrozenSetValue f) {
            return f.depth();
        }
        return 0;
    }

    /** A short Python-style type name for error messages. */
    static String typeName(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof String) {
            return "str";
        }
        if (o instanceof Long || o instanceof BigInteger) {
            return "int";
        }
        if (o instanceof Double) {
            return "float";
        }
        if (o instanceof Boolean) {
            return "bool";
        }
        if (o instanceof byte[]) {
            return "bytes";
        }
        if (o instanceof PyTuple) {
            return "tuple";
        }
        if (o instanceof java.util.List) {
            return "list";
        }
        if (o instanceof PyDict d) {
            return d.className().equals("builtins.dict") ? "dict" : d.className();
        }
        if (o instanceof FrozenSetValue) {
            return "frozenset";
        }
        if (o instanceof java.util.Set) {
            return "set";
        }
        if (o instanceof TensorRef) {
            return "torch.Tensor";
        }
        if (o instanceof StorageSlice) {
            return "torch storage";
        }
        if (o instanceof PyGlobal g) {
            return "global " + g.qualifiedName();
        }
        if (o instanceof TorchDType) {
            return "torch.dtype";
        }
        return o.getClass().getSimpleName();
    }
}
