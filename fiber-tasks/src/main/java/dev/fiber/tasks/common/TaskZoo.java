package dev.fiber.tasks.common;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import java.io.IOException;
import java.util.Map;

/**
 * Loads a FIBER task model through DJL's {@link Criteria} and {@link FiberModelZoo} (what the task
 * facades {@code FiberVqa}, {@code FiberRetrieval}, {@code FiberNlvr2}, {@code FiberCaptioner} do),
 * turning DJL's "no model found" wrapper back into the underlying, specific error.
 */
public final class TaskZoo {

    private TaskZoo() {}

    /**
     * @param task the task
     * @param input input class of the translator
     * @param output output class
     * @param arguments criteria arguments ({@code checkpoint} and the task's own)
     * @param device device, or {@code null} for the default
     * @param <I> input type
     * @param <O> output type
     * @return the loaded model with its translator
     * @throws IOException if the checkpoint cannot be found, downloaded or read, or the task's
     *     translator cannot be built (e.g. no VQA answer vocabulary)
     * @throws CheckpointKindException if the checkpoint lacks the task's head
     */
    public static <I, O> ZooModel<I, O> load(FiberTask task, Class<I> input, Class<O> output, Map<String, ?> arguments, Device device)
            throws IOException {
        Criteria.Builder<I, O> b = Criteria.builder().setTypes(input, output).optModelZoo(new FiberModelZoo())
                .optArtifactId(task.artifactId()).optEngine("PyTorch");
        arguments.forEach(b::optArgument);
        if (device != null) {
            b.optDevice(device);
        }
        try {
            return b.build().loadModel();
        } catch (ModelNotFoundException e) {
            Throwable cause = e;
            while (cause.getCause() != null && cause instanceof ModelNotFoundException) {
                cause = cause.getCause();
            }
            if (cause instanceof ai.djl.translate.TranslateException && cause.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause.getMessage(), cause);
        } catch (MalformedModelException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
