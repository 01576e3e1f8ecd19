package dev.fiber.core.checkpoint;

import java.util.AbstractList;
import java.util.Collection;
import java.util.RandomAccess;

/**
 * An unpickled Python {@code tuple}: an immutable {@link java.util.List} (elements may be
 * {@code null} for {@code None}). It is a distinct class only so that callers and {@code fiber inspect}
 * can tell tuples from lists; otherwise use it as any list. Equality and hash code follow
 * {@link java.util.List}.
 */
public final class PyTuple extends AbstractList<Object> implements RandomAccess {

    /** The empty tuple. */
    public static final PyTuple EMPTY = new PyTuple(new Object[0]);

    private final Object[] items;
    private final int depth;
    private final boolean hashable;
    private final int hash;

    PyTuple(Object[] items) {
        this.items = items;
        int d = 0;
        boolean h = true;
        for (Object o : items) {
            d = Math.max(d, PickleValues.immutableDepth(o));
            h &= PickleValues.isHashable(o);
        }
        this.depth = d + 1;
        this.hashable = h;
        int code = 1;
        if (h) {
            for (Object o : items) {
                code = 31 * code + (o == null ? 0 : o.hashCode());
            }
        }
        this.hash = code;
    }

    /**
     * @param items the elements (copied)
     * @return a tuple holding them
     */
    public static PyTuple of(Object... items) {
        return items.length == 0 ? EMPTY : new PyTuple(items.clone());
    }

    /**
     * @param items the elements (copied)
     * @return a tuple holding them
     */
    public static PyTuple copyOf(Collection<?> items) {
        return items.isEmpty() ? EMPTY : new PyTuple(items.toArray());
    }

    @Override
    public Object get(int index) {
        return items[index];
    }

    @Override
    public int size() {
        return items.length;
    }

    /** Nesting depth counting only tuples and frozensets (1 for a flat tuple). */
    int depth() {
        return depth;
    }

    /** Whether Python could hash it: all elements are hashable (no list, dict or set inside). */
    boolean isHashable() {
        return hashable;
    }

    /** Replaces an element in place; used only while the reader annotates tensors with their paths. */
    void replace(int index, Object value) {
        items[index] = value;
    }

    @Override
    public int hashCode() {
        return hashable ? hash : super.hashCode();
    }

    @Override
    public boolean equals(Object o) {
        if (o == this) {
            return true;
        }
        if (o instanceof PyTuple t && hashable && t.hashable && t.hash != hash) {
            return false;
        }
        return super.equals(o);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < items.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(items[i] == this ? "(this tuple)" : String.valueOf(items[i]));
        }
        if (items.length == 1) {
            sb.append(',');
        }
        return sb.append(')').toString();
    }
}
