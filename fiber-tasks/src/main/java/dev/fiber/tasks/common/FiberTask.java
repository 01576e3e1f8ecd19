package dev.fiber.tasks.common;

import ai.djl.Application;
import ai.djl.translate.TranslatorFactory;
import dev.fiber.core.config.FiberConfig;
import dev.fiber.core.model.FiberModel;
import dev.fiber.tasks.caption.CaptionBlock;
import dev.fiber.tasks.caption.CaptionTranslatorFactory;
import dev.fiber.tasks.nlvr2.Nlvr2Block;
import dev.fiber.tasks.nlvr2.Nlvr2TranslatorFactory;
import dev.fiber.tasks.retrieval.RetrievalBlock;
import dev.fiber.tasks.retrieval.RetrievalTranslatorFactory;
import dev.fiber.tasks.vqa.VqaBlock;
import dev.fiber.tasks.vqa.VqaTranslatorFactory;
import java.util.Set;

/**
 * The coarse-grained FIBER tasks served through DJL, each with the head it needs (official
 * {@code objectives.py}), its block, its translators and the official checkpoints made for it
 * ({@code task} field of {@code models/*.json}).
 */
public enum FiberTask {

    /** Visual question answering, {@code compute_vqa} / {@code vqa_test_step}: {@code vqa_classifier}. */
    VQA("vqa", Application.of("multimodal/visual_question_answering"), Set.of("vqa"), "fiber-vqa"),
    /** Image-text retrieval: ITC embeddings ({@code compute_itc_recall}) and ITM scores ({@code compute_itm_recall}). */
    RETRIEVAL("retrieval", Application.of("multimodal/image_text_retrieval"), Set.of("retrieval-itc", "retrieval-itm", "pretrain"),
            "fiber-coco-retrieval-itm or fiber-f30k-retrieval-itc"),
    /** NLVR2 (two images, one statement), {@code compute_nlvr2}: {@code nlvr2_classifier}. */
    NLVR2("nlvr2", Application.of("multimodal/visual_reasoning"), Set.of("nlvr2"), "fiber-nlvr2"),
    /** Image captioning, {@code caption_test_step}: {@code cross_modal_att_layers} and {@code mlm_score}. */
    CAPTION("caption", Application.of("multimodal/image_captioning"), Set.of("captioning"), "fiber-coco-caption");

    private final String artifactId;
    private final Application application;
    private final Set<String> checkpointTasks;
    private final String suggestion;

    FiberTask(String artifactId, Application application, Set<String> checkpointTasks, String suggestion) {
        this.artifactId = artifactId;
        this.application = application;
        this.checkpointTasks = checkpointTasks;
        this.suggestion = suggestion;
    }

    /** @return the DJL artifact id in {@link FiberModelZoo} ({@code vqa}, {@code retrieval}, {@code nlvr2}, {@code caption}) */
    public String artifactId() {
        return artifactId;
    }

    /** @return the DJL application */
    public Application application() {
        return application;
    }

    /** @return the {@code task} values of the model descriptors ({@code models/*.json}) whose checkpoints serve this task */
    public Set<String> checkpointTasks() {
        return checkpointTasks;
    }

    /** @return an official checkpoint to suggest in error messages */
    public String suggestion() {
        return suggestion;
    }

    /**
     * Checks that a model has this task's head.
     *
     * @param config the model's configuration
     * @param source the checkpoint, for the message
     * @throws CheckpointKindException if the head is missing
     */
    public void checkHeads(FiberConfig config, String source) {
        switch (this) {
            case VQA -> CheckpointKindException.require(config, config.hasVqa(), "vqa_classifier", "answer questions (VQA)", suggestion, source);
            case RETRIEVAL -> { } // ITC transforms and poolers always exist; ITM / temp are checked when used
            case NLVR2 -> CheckpointKindException.require(config, config.hasNlvr2(), "nlvr2_classifier", "judge NLVR2 statements",
                    suggestion, source);
            case CAPTION -> CheckpointKindException.require(config, config.hasCaption() && config.hasMlmHead(),
                    "captioning layers (cross_modal_att_layers)", "write captions", suggestion, source);
            default -> throw new AssertionError(this);
        }
    }

    /**
     * @param model a loaded model with this task's head
     * @return the task's block
     */
    public FiberTaskBlock newBlock(FiberModel model) {
        return switch (this) {
            case VQA -> new VqaBlock(model);
            case RETRIEVAL -> new RetrievalBlock(model);
            case NLVR2 -> new Nlvr2Block(model);
            case CAPTION -> new CaptionBlock(model);
        };
    }

    /** @return the factory of the task's translators */
    public TranslatorFactory translatorFactory() {
        return switch (this) {
            case VQA -> new VqaTranslatorFactory();
            case RETRIEVAL -> new RetrievalTranslatorFactory();
            case NLVR2 -> new Nlvr2TranslatorFactory();
            case CAPTION -> new CaptionTranslatorFactory();
        };
    }

    /**
     * @param artifactId an artifact id
     * @return the task
     * @throws IllegalArgumentException if unknown
     */
    public static FiberTask of(String artifactId) {
        for (FiberTask t : values()) {
            if (t.artifactId.equals(artifactId)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown FIBER task '" + artifactId + "' (vqa, retrieval, nlvr2, caption)");
    }
}
