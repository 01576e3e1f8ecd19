package dev.fiber.tasks.common;

import dev.fiber.core.hub.CheckpointResolver;
import dev.fiber.core.hub.ModelDescriptor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Resolves the {@code checkpoint} of a task (a path, an http(s) URL or a model name of
 * {@code fiber models}) with {@link CheckpointResolver}, refusing early (before any download) a known
 * model made for another task, and supplying the official evaluation resolution of known models
 * (e.g. 576 for {@code fiber-vqa}).
 */
public final class TaskCheckpoints {

    private TaskCheckpoints() {}

    /**
     * A resolved checkpoint.
     *
     * @param file the local file
     * @param descriptor the known model it is, if named
     * @param imageSize the official evaluation resolution of a known model, else 0 (the checkpoint's own)
     */
    public record Resolved(Path file, Optional<ModelDescriptor> descriptor, int imageSize) {}

    /**
     * @param spec a path, URL or model name
     * @param task the task it is for
     * @param resolver resolves (and downloads) it
     * @return the local file and defaults
     * @throws IOException if it cannot be found or downloaded
     * @throws CheckpointKindException if {@code spec} names a known model of another task
     */
    public static Resolved resolve(String spec, FiberTask task, CheckpointResolver resolver) throws IOException {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("no checkpoint given (a path, an http(s) URL or a model name; see `fiber models`)");
        }
        Optional<ModelDescriptor> d = resolver.registry().find(spec);
        if (d.isEmpty()) {
            d = resolver.registry().list().stream().filter(m -> m.url().equals(spec)).findFirst();
        }
        if (d.isPresent() && !java.nio.file.Files.exists(Path.of(spec))) {
            ModelDescriptor m = d.get();
            if (!"coarse".equals(m.family())) {
                throw new CheckpointKindException(m.name() + " is a fine-grained (" + m.task() + ") checkpoint; the " + task.artifactId()
                        + " task needs a coarse-grained one, e.g. " + task.suggestion());
            }
            if (!task.checkpointTasks().contains(m.task())) {
                throw new CheckpointKindException(m.name() + " is a " + m.task() + " checkpoint; the " + task.artifactId()
                        + " task needs one of " + task.checkpointTasks() + ", e.g. " + task.suggestion());
            }
            return new Resolved(resolver.resolve(spec), d, m.imageSize());
        }
        return new Resolved(resolver.resolve(spec), Optional.empty(), 0);
    }
}
