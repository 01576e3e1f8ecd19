package dev.fiber.examples.cli;

import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * What an index built by {@code fiber retrieve index} holds, stored beside it as
 * {@code <index>.items.json}: whether its rows are images or texts, the image path or text of each
 * row (row i has id i), and the checkpoint and resolution the embeddings came from.
 *
 * @param kind {@code image} or {@code text}
 * @param checkpoint checkpoint given when indexing
 * @param resolution resolution given when indexing (0 = default)
 * @param items image paths (absolute) or texts, by id
 */
record RetrievalItems(String kind, String checkpoint, int resolution, List<String> items) {

    /**
     * @param index the index file
     * @return its sidecar file
     */
    static Path sidecar(Path index) {
        return index.resolveSibling(index.getFileName() + ".items.json");
    }

    void write(Path index) throws IOException {
        Files.writeString(sidecar(index), TaskCommands.GSON.toJson(this), StandardCharsets.UTF_8);
    }

    static RetrievalItems read(Path index) throws IOException {
        Path f = sidecar(index);
        if (!Files.isRegularFile(f)) {
            throw new NoSuchFileException(f.toString(), null, "index items file not found (written by `fiber retrieve index` beside the index)");
        }
        try {
            RetrievalItems r = TaskCommands.GSON.fromJson(Files.readString(f, StandardCharsets.UTF_8), RetrievalItems.class);
            if (r == null || r.items() == null || !("image".equals(r.kind()) || "text".equals(r.kind()))) {
                throw new IOException(f + ": not an index items file (needs kind image|text and items)");
            }
            return r;
        } catch (JsonParseException e) {
            throw new IOException(f + ": malformed JSON: " + e.getMessage(), e);
        }
    }
}
