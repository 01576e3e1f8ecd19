package dev.fiber.tasks.caption;

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
 * Image captioning with the official {@code fiber-coco-caption} checkpoint: the official beam search
 * (beam 5) with cached incremental decoding by default.
 * <pre>{@code
 * try (FiberCaptioner captioner = FiberCaptioner.load("fiber-coco-caption")) {
 *     System.out.println(captioner.caption(Path.of("beach.jpg")).text());
 * }
 * }</pre>
 * Each call uses its own {@link Predictor}; an instance may be shared by threads.
 */
public final class FiberCaptioner implements AutoCloseable {

    private final ZooModel<RgbImage, Caption> model;

    private FiberCaptioner(ZooModel<RgbImage, Caption> model) {
        this.model = model;
    }

    /**
     * @param checkpoint path, URL or model name
     * @return the loaded task with the official decoding (beam 5)
     * @throws IOException if the checkpoint cannot be found or read
     */
    public static FiberCaptioner load(String checkpoint) throws IOException {
        return builder(checkpoint).build();
    }

    /**
     * @param checkpoint path, URL or model name
     * @return a builder
     */
    public static Builder builder(String checkpoint) {
        return new Builder(checkpoint);
    }

    /**
     * @param image an image
     * @return its caption
     * @throws TranslateException if inference fails
     */
    public Caption caption(RgbImage image) throws TranslateException {
        try (Predictor<RgbImage, Caption> p = model.newPredictor()) {
            return p.predict(image);
        }
    }

    /**
     * @param image an image file
     * @return its caption
     * @throws IOException if the image cannot be read
     * @throws TranslateException if inference fails
     */
    public Caption caption(Path image) throws IOException, TranslateException {
        return caption(ImageDecoder.read(image));
    }

    /**
     * Captions a batch together (as the official evaluation does: the beam loop runs until every
     * image of the batch has ended).
     *
     * @param images the images
     * @return one caption per image
     * @throws TranslateException if inference fails
     */
    public List<Caption> captionAll(List<RgbImage> images) throws TranslateException {
        try (Predictor<RgbImage, Caption> p = model.newPredictor()) {
            return p.batchPredict(images);
        }
    }

    /** @return the DJL model */
    public ZooModel<RgbImage, Caption> zooModel() {
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

    /** Builder of {@link FiberCaptioner}. */
    public static final class Builder {
        private final Map<String, Object> args = new HashMap<>();
        private Device device;

        private Builder(String checkpoint) {
            args.put("checkpoint", checkpoint);
        }

        /**
         * @param size input resolution (default: 576 for {@code fiber-coco-caption}, else the checkpoint's)
         * @return this builder
         */
        public Builder optImageSize(int size) {
            args.put("imageSize", size);
            return this;
        }

        /**
         * @param beam beam size (official 5)
         * @return this builder
         */
        public Builder optBeamSize(int beam) {
            args.put("beamSize", beam);
            return this;
        }

        /**
         * @param greedy greedy decoding instead of beam search
         * @return this builder
         */
        public Builder optGreedy(boolean greedy) {
            args.put("greedy", greedy);
            return this;
        }

        /**
         * @param length maximum length including {@code <s>} (default: the model's {@code max_text_len})
         * @return this builder
         */
        public Builder optMaxLength(int length) {
            args.put("maxLength", length);
            return this;
        }

        /**
         * @param incremental cached decoding (default) or the official full recomputation
         * @return this builder
         */
        public Builder optIncremental(boolean incremental) {
            args.put("incremental", incremental);
            return this;
        }

        /**
         * @param d device
         * @return this builder
         */
        public Builder optDevice(Device d) {
            this.device = d;
            return this;
        }

        /**
         * @return the loaded task
         * @throws IOException if the checkpoint cannot be found or read
         */
        public FiberCaptioner build() throws IOException {
            return new FiberCaptioner(TaskZoo.load(FiberTask.CAPTION, RgbImage.class, Caption.class, args, device));
        }
    }
}
