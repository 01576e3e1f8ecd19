package dev.fiber.core.model.load;

import java.io.IOException;
import java.util.List;

/**
 * A checkpoint does not fit the FIBER architecture: missing or unexpected keys (strict loading),
 * tensors of the wrong shape, or recomputed buffers that disagree with the stored ones. The message
 * lists the offending keys.
 */
public class ModelLoadException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong
     */
    public ModelLoadException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong
     * @param cause underlying error
     */
    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }

    static String list(String title, List<String> keys) {
        if (keys.isEmpty()) {
            return "";
        }
        int show = Math.min(keys.size(), 40);
        StringBuilder sb = new StringBuilder("\n  ").append(title).append(" (").append(keys.size()).append("):");
        for (int i = 0; i < show; i++) {
            sb.append("\n    ").append(keys.get(i));
        }
        if (show < keys.size()) {
            sb.append("\n    ... and ").append(keys.size() - show).append(" more");
        }
        return sb.toString();
    }
}
