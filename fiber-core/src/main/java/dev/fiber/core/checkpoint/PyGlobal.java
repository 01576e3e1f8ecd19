package dev.fiber.core.checkpoint;

/**
 * A reference to an allow-listed Python class or function that appears in a checkpoint as a plain
 * value, never called: for instance the callback class {@code ModelCheckpoint} that PyTorch Lightning
 * 1.x uses as a key of {@code checkpoint["callbacks"]}, or the factory of a {@code defaultdict}.
 * Nothing is imported or executed; this is only the name.
 *
 * @param module the Python module, e.g. {@code pytorch_lightning.callbacks.model_checkpoint}
 * @param name the attribute name, e.g. {@code ModelCheckpoint}
 */
public record PyGlobal(String module, String name) {

    /** @return {@code module.name} */
    public String qualifiedName() {
        return module + "." + name;
    }

    @Override
    public String toString() {
        return qualifiedName();
    }
}
