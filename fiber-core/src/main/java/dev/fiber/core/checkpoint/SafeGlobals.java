package dev.fiber.core.checkpoint;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The allow-list of Python globals a checkpoint pickle may name. Everything else is refused with an
 * {@link UnsafeGlobalException} as soon as the {@code GLOBAL}/{@code STACK_GLOBAL}/{@code INST}
 * opcode names it. Nothing on the list is imported or run: each entry only tells the
 * {@link Unpickler} which plain Java value to build when the pickle calls it.
 *
 * <p>The list covers what {@code torch.save} writes for tensors, parameters, storages, sizes, devices
 * and dtypes; the ordered dicts of state dicts; and the plain-data containers PyTorch Lightning
 * stores in {@code hyper_parameters} and its other checkpoint entries (Lightning 1.x's callback
 * classes are accepted only as inert dict keys).
 */
final class SafeGlobals {

    /** What an allowed global is, i.e. how the unpickler treats calls to it. */
    enum Kind {
        /** {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])}. */
        REBUILD_TENSOR_V2,
        /** {@code torch._utils._rebuild_tensor(storage, offset, size, stride)}. */
        REBUILD_TENSOR,
        /** {@code torch._utils._rebuild_parameter(data, requires_grad, hooks)}. */
        REBUILD_PARAMETER,
        /** {@code torch._utils._rebuild_parameter_with_state(data, requires_grad, hooks, state)}. */
        REBUILD_PARAMETER_WITH_STATE,
        /** {@code torch._tensor._rebuild_from_type_v2(func, type, args, state)}. */
        REBUILD_FROM_TYPE_V2,
        /** {@code torch.Tensor}, {@code torch.nn.parameter.Parameter}: only as the type argument above. */
        TENSOR_TYPE,
        /** {@code torch.FloatStorage} and the other typed storages: only inside persistent ids. */
        STORAGE_TYPE,
        /** {@code torch.Size(tuple)}: a tuple. */
        TORCH_SIZE,
        /** {@code torch.device(type[, index])}: a string such as {@code cuda:0}. */
        TORCH_DEVICE,
        /** {@code collections.OrderedDict}, {@code builtins.dict} and dict subclasses holding plain data. */
        DICT,
        /** {@code collections.defaultdict(factory)}. */
        DEFAULT_DICT,
        /** {@code argparse.Namespace}: its attributes become the entries of a {@link PyDict}. */
        NAMESPACE,
        /** {@code builtins.list}. */
        LIST,
        /** {@code builtins.tuple}. */
        TUPLE,
        /** {@code builtins.set}. */
        SET,
        /** {@code builtins.frozenset}. */
        FROZENSET,
        /** {@code builtins.bytearray}, {@code builtins.bytes}. */
        BYTES,
        /** {@code _codecs.encode(str, 'latin1')}: how protocol 2 pickles {@code bytes}. */
        CODECS_ENCODE,
        /** {@code copyreg._reconstructor(cls, base, state)}: protocol 0/1 object re-creation. */
        RECONSTRUCTOR,
        /** A class that may appear as an inert value (a key, a defaultdict factory), never called. */
        TYPE_REFERENCE
    }

    private static final Map<String, Kind> ALLOWED;

    static {
        Map<String, Kind> m = new LinkedHashMap<>();
        m.put("torch._utils._rebuild_tensor_v2", Kind.REBUILD_TENSOR_V2);
        m.put("torch._utils._rebuild_tensor", Kind.REBUILD_TENSOR);
        m.put("torch._utils._rebuild_parameter", Kind.REBUILD_PARAMETER);
        m.put("torch._utils._rebuild_parameter_with_state", Kind.REBUILD_PARAMETER_WITH_STATE);
        m.put("torch._tensor._rebuild_from_type_v2", Kind.REBUILD_FROM_TYPE_V2);
        m.put("torch.Tensor", Kind.TENSOR_TYPE);
        m.put("torch.nn.parameter.Parameter", Kind.TENSOR_TYPE);
        for (TorchDType t : TorchDType.values()) {
            m.put("torch." + t.storageClass(), Kind.STORAGE_TYPE);
        }
        m.put("torch.Size", Kind.TORCH_SIZE);
        m.put("torch.device", Kind.TORCH_DEVICE);
        m.put("collections.OrderedDict", Kind.DICT);
        m.put("builtins.dict", Kind.DICT);
        m.put("pytorch_lightning.utilities.parsing.AttributeDict", Kind.DICT);
        m.put("lightning.pytorch.utilities.parsing.AttributeDict", Kind.DICT);
        m.put("lightning_fabric.utilities.data.AttributeDict", Kind.DICT);
        m.put("lightning.fabric.utilities.data.AttributeDict", Kind.DICT);
        m.put("collections.defaultdict", Kind.DEFAULT_DICT);
        m.put("argparse.Namespace", Kind.NAMESPACE);
        m.put("builtins.list", Kind.LIST);
        m.put("builtins.tuple", Kind.TUPLE);
        m.put("builtins.set", Kind.SET);
        m.put("builtins.frozenset", Kind.FROZENSET);
        m.put("builtins.bytearray", Kind.BYTES);
        m.put("builtins.bytes", Kind.BYTES);
        m.put("_codecs.encode", Kind.CODECS_ENCODE);
        m.put("copyreg._reconstructor", Kind.RECONSTRUCTOR);
        m.put("builtins.object", Kind.TYPE_REFERENCE);
        m.put("builtins.int", Kind.TYPE_REFERENCE);
        m.put("builtins.float", Kind.TYPE_REFERENCE);
        m.put("builtins.str", Kind.TYPE_REFERENCE);
        m.put("builtins.bool", Kind.TYPE_REFERENCE);
        m.put("pytorch_lightning.callbacks.model_checkpoint.ModelCheckpoint", Kind.TYPE_REFERENCE);
        m.put("pytorch_lightning.callbacks.early_stopping.EarlyStopping", Kind.TYPE_REFERENCE);
        m.put("pytorch_lightning.callbacks.lr_monitor.LearningRateMonitor", Kind.TYPE_REFERENCE);
        ALLOWED = Collections.unmodifiableMap(m);
    }

    private SafeGlobals() {}

    /**
     * Maps the Python 2 module names that protocol 0-2 pickles use to their Python 3 names, as
     * Python's own unpickler does.
     */
    static String normalizeModule(String module) {
        switch (module) {
            case "__builtin__":
                return "builtins";
            case "copy_reg":
                return "copyreg";
            default:
                return module;
        }
    }

    /**
     * @param module module as written in the pickle
     * @param name attribute name as written in the pickle
     * @return what the global is, or {@code null} if it is not allowed
     */
    static Kind kind(String module, String name) {
        return ALLOWED.get(normalizeModule(module) + "." + name);
    }

    /** @return every allowed global, {@code module.name} (Python 3 names), with its kind */
    static Map<String, Kind> allowed() {
        return ALLOWED;
    }
}
