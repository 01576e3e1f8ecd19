package dev.fiber.core.checkpoint;

import java.nio.file.Path;

/**
 * A pickle referenced a Python global (a module attribute such as {@code posix.system} or
 * {@code builtins.eval}) that is not on the reader's allow-list. Pickles can run arbitrary code
 * through such globals; the reader never imports or calls anything by name, it refuses the file as
 * soon as the global is named, before any call could happen.
 */
public final class UnsafeGlobalException extends CheckpointException {

    private static final long serialVersionUID = 1L;

    private final String globalName;

    /**
     * @param file the checkpoint file
     * @param region the pickle record (or {@code null} for a pickle inside a legacy file)
     * @param position byte offset of the opcode that named the global
     * @param globalName the refused global as written in the pickle, {@code module.name}
     * @param detail why it is refused
     */
    public UnsafeGlobalException(Path file, String region, long position, String globalName, String detail) {
        super(file, region, position, detail);
        this.globalName = globalName;
    }

    /** @return the refused global, {@code module.name}, as written in the pickle */
    public String globalName() {
        return globalName;
    }
}
