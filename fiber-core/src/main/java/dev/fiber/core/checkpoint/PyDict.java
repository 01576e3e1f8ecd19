package dev.fiber.core.checkpoint;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An unpickled Python mapping: {@code dict}, {@code collections.OrderedDict},
 * {@code collections.defaultdict}, Lightning's {@code AttributeDict} or an {@code argparse.Namespace}
 * (whose attributes become its entries). It is an ordinary insertion-ordered {@link LinkedHashMap};
 * keys are kept as stored (usually {@link String}, sometimes {@link Long} or a {@link PyTuple}).
 *
 * <p>{@link #className()} says which Python class it was, and {@link #attributes()} holds the
 * instance attributes a pickle may attach to a dict subclass, e.g. the {@code _metadata} that
 * {@code torch.nn.Module.state_dict()} stores on its {@code OrderedDict}.
 */
public final class PyDict extends LinkedHashMap<Object, Object> {

    private static final long serialVersionUID = 1L;

    private final String className;
    private final LinkedHashMap<String, Object> attributes = new LinkedHashMap<>();

    /** @param className the Python class, {@code module.name} (plain dicts are {@code builtins.dict}) */
    public PyDict(String className) {
        this.className = className;
    }

    /** @return the Python class, e.g. {@code collections.OrderedDict} */
    public String className() {
        return className;
    }

    /** @return instance attributes restored by the pickle (empty for plain dicts); modifiable */
    public Map<String, Object> attributes() {
        return attributes;
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }
}
