package dev.fiber.tasks.vqa;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import dev.fiber.core.image.ImageDecoder;
import dev.fiber.core.image.RgbImage;
import dev.fiber.core.model.FiberModel;
import dev.fiber.tasks.common.FiberTask;
import dev.fiber.tasks.common.FiberTaskModel;
import dev.fiber.tasks.common.TaskZoo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Visual question answering with an official FIBER VQA checkpoint in one call:
 * <pre>{@code
 * try (FiberVqa vqa = FiberVqa.builder("fiber-vqa").optVocabulary(Path.of("vqav2_answers.txt")).build()) {
 *     VqaPrediction p = vqa.answer(Path.of("kitchen.jpg"), "what color is the fridge?");
 *     System.out.println(p.best().answer() + " " + p.best().probability());
 * }
 * }</pre>
 * Loaded through DJL ({@link TaskZoo}, {@code Criteria}); each call creates its own {@link Predictor},
 * so one instance can be shared by threads (the model is only read). For the lowest overhead in a
 * loop, take {@link #zooModel()} and keep one predictor per thread.
 */
public final class FiberVqa implements AutoCloseable {

    private final ZooModel<VqaQuery, VqaPrediction> model;
    private final VqaQuestionsTranslator questions;

    private FiberVqa(ZooModel<VqaQuery, VqaPrediction> model, VqaQuestionsTranslator questions) {
        this.model = model;
        this.questions = questions;
    }

    /**
     * @param checkpoint path, URL or model name; the answer vocabulary must lie next to it (see
     *     {@link VqaVocabularies}), else use {@link #builder}
     * @return the loaded task
     * @throws IOException if the checkpoint or vocabulary cannot be found or read
     */
    public static FiberVqa load(String checkpoint) throws IOException {
        return builder(checkpoint).build();
    }

    /**
     * @param checkpoint path, URL or model name ({@code fiber-vqa})
     * @return a builder
     */
    public static Builder builder(String checkpoint) {
        return new Builder(checkpoint);
    }

    /**
     * @param image the image
     * @param question the question
     * @return the top answers
     * @throws TranslateException if the question is empty or inference fails
     */
    public VqaPrediction answer(RgbImage image, String question) throws TranslateException {
        try (Predictor<VqaQuery, VqaPrediction> p = model.newPredictor()) {
            return p.predict(new VqaQuery(image, question));
        }
    }

    /**
     * @param image an image file
     * @param question the question
     * @return the top answers
     * @throws IOException if the image cannot be read
     * @throws TranslateException if the question is empty or inference fails
     */
    public VqaPrediction answer(Path image, String question) throws IOException, TranslateException {
        return answer(ImageDecoder.read(image), question);
    }

    /**
     * Answers a batch of (image, question) pairs in one forward pass.
     *
     * @param queries the queries
     * @return one prediction per query
     * @throws TranslateException if a question is empty or inference fails
     */
    public List<VqaPrediction> answerAll(List<VqaQuery> queries) throws TranslateException {
        try (Predictor<VqaQuery, VqaPrediction> p = model.newPredictor()) {
            return p.batchPredict(queries);
        }
    }

    /**
     * Answers several questions about one image, computing the image's uni-modal bottom once.
     *
     * @param image the image
     * @param questionList the questions
     * @return one prediction per question
     * @throws TranslateException if a question is empty or inference fails
     */
    public List<VqaPrediction> answerAll(RgbImage image, List<String> questionList) throws TranslateException {
        try (Predictor<VqaQuestions, VqaPredictions> p = model.getWrappedModel().newPredictor(questions)) {
            return p.predict(new VqaQuestions(image, questionList)).predictions();
        }
    }

    /** @return the DJL model (its translator is a {@link VqaTranslator}) */
    public ZooModel<VqaQuery, VqaPrediction> zooModel() {
        return model;
    }

    /** @return the underlying FIBER model */
    public FiberModel fiberModel() {
        return ((FiberTaskModel) model.getWrappedModel()).fiberModel();
    }

    @Override
    public void close() {
        model.close();
    }

    /** Builder of {@link FiberVqa}. */
    public static final class Builder {
        private final Map<String, Object> args = new HashMap<>();
        private Device device;

        private Builder(String checkpoint) {
            args.put("checkpoint", checkpoint);
        }

        /**
         * @param file the answer list ({@code fiber vqa-vocab})
         * @return this builder
         */
        public Builder optVocabulary(Path file) {
            args.put("vocabulary", file.toString());
            return this;
        }

        /**
         * @param size input resolution (default: 576 for {@code fiber-vqa}, else the checkpoint's)
         * @return this builder
         */
        public Builder optImageSize(int size) {
            args.put("imageSize", size);
            return this;
        }

        /**
         * @param k answers per question (default 5)
         * @return this builder
         */
        public Builder optTopK(int k) {
            args.put("topK", k);
            return this;
        }

        /**
         * @param d device (default: DJL's default)
         * @return this builder
         */
        public Builder optDevice(Device d) {
            this.device = d;
            return this;
        }

        /**
         * @return the loaded task
         * @throws IOException if the checkpoint or vocabulary cannot be found or read
         */
        public FiberVqa build() throws IOException {
            ZooModel<VqaQuery, VqaPrediction> m = TaskZoo.load(FiberTask.VQA, VqaQuery.class, VqaPrediction.class, args, device);
            try {
                VqaTranslator t = (VqaTranslator) m.getTranslator();
                return new FiberVqa(m, t.questionsTranslator());
            } catch (RuntimeException e) {
                m.close();
                throw e;
            }
        }
    }
}
