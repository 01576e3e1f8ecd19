package dev.fiber.tasks.grounding.weights;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Opens a state dict from a file: {@code .npz} dumps by name, everything else as a {@code torch.save} file. */
public final class WeightSources {

    private WeightSources() {}

    /**
     * Opens weights.
     *
     * @param path a {@code torch.save} checkpoint ({@code .pth}, {@code .pt}, {@code .ckpt}, read by
     *     {@link TorchCheckpointWeightSource}) or an {@code .npz} dump of a state dict (one entry per key)
     * @param topKey which state dict of a training dump to read ({@code "model"} or {@code "model_ema"});
     *     ignored for {@code .npz}
     * @return the source
     * @throws IOException if the file cannot be read or has an unsupported format
     */
    public static WeightSource open(Path path, String topKey) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException("no weights file " + path);
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".npz")) {
            return NpzWeightSource.open(path);
        }
        return TorchCheckpointWeightSource.open(path, topKey);
    }
}
