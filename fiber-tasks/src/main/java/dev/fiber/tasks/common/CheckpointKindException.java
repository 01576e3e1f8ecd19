package dev.fiber.tasks.common;

import dev.fiber.core.config.FiberConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A checkpoint lacks the head a task needs, e.g. a retrieval checkpoint (only {@code itm_score} /
 * ITC) given to VQA, which needs {@code vqa_classifier}. The official fine-tuned checkpoints each
 * carry the heads of their {@code loss_names} only.
 */
public final class CheckpointKindException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message the full message
     */
    public CheckpointKindException(String message) {
        super(message);
    }

    /**
     * Checks that a model has a head.
     *
     * @param config the model's configuration
     * @param has whether the head exists
     * @param head official module name of the head ({@code vqa_classifier})
     * @param task what the task does, for the message ("answer questions (VQA)")
     * @param suggestion which checkpoint to use instead ("fiber-vqa")
     * @param source the checkpoint, for the message
     * @throws CheckpointKindException if the head is missing
     */
    public static void require(FiberConfig config, boolean has, String head, String task, String suggestion, String source) {
        if (!has) {
            throw new CheckpointKindException("checkpoint " + source + " has no " + head + ", so it cannot " + task
                    + "; it has the heads " + heads(config) + ". Use a checkpoint trained for this task, e.g. " + suggestion
                    + " (see `fiber models`).");
        }
    }

    /**
     * @param config a configuration
     * @return the official names of its heads
     */
    public static List<String> heads(FiberConfig config) {
        List<String> h = new ArrayList<>();
        if (config.hasItm()) {
            h.add("itm_score");
        }
        if (config.hasItc()) {
            h.add("ITC (temp)");
        }
        if (config.hasMlmHead()) {
            h.add("mlm_score");
        }
        if (config.hasCaption()) {
            h.add("cross_modal_att_layers (captioning)");
        }
        if (config.hasVqa()) {
            h.add("vqa_classifier");
        }
        if (config.hasNlvr2()) {
            h.add("nlvr2_classifier");
        }
        return h;
    }
}
