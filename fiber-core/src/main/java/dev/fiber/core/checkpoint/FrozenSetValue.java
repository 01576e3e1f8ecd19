package dev.fiber.core.checkpoint;

import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/** An unpickled Python {@code frozenset}: an unmodifiable, insertion-ordered, hashable {@link Set}. */
final class FrozenSetValue extends AbstractSet<Object> {

    private final Set<Object> items;
    private final int depth;
    private final int hash;

    FrozenSetValue(LinkedHashSet<Object> items) {
        this.items = Collections.unmodifiableSet(items);
        int d = 0;
        int h = 0;
        for (Object o : items) {
            d = Math.max(d, PickleValues.immutableDepth(o));
            h += o == null ? 0 : o.hashCode();
        }
        this.depth = d + 1;
        this.hash = h;
    }

    int depth() {
        return depth;
    }

    @Override
    public Iterator<Object> iterator() {
        return items.iterator();
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public boolean contains(Object o) {
        return items.contains(o);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o);
    }

    @Override
    public String toString() {
        return "frozenset(" + items + ")";
    }
}
