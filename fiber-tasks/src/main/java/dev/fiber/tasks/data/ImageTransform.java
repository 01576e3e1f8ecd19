package dev.fiber.tasks.data;

import dev.fiber.core.image.AlbefTransform;
import dev.fiber.core.image.RgbImage;
import dev.fiber.tasks.data.augment.AlbefRandAugTransform;
import dev.fiber.tasks.data.augment.AugmentFidelity;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * An image transform of a dataset: FIBER's {@code keys_to_transforms} keys {@code "albef"}
 * (evaluation: {@link AlbefTransform}, no randomness) and {@code "albef_randaug"} (training:
 * {@link AlbefRandAugTransform}). Implementations are thread-safe; randomness comes from the sample's
 * generator.
 */
public interface ImageTransform {

    /** @return the output side S (images become float32 {@code 3 x S x S}) */
    int size();

    /**
     * @param image the decoded image
     * @param rng   the sample's random stream (ignored by deterministic transforms)
     * @return float32 CHW, {@code 3 * S * S} values
     */
    float[] apply(RgbImage image, RandomGenerator rng);

    /**
     * {@code albef_transform(size)}: bicubic resize to S x S, ToTensor, ImageNet Normalize.
     *
     * @param size output side
     * @return the transform
     */
    static ImageTransform albef(int size) {
        AlbefTransform t = new AlbefTransform(size);
        return new ImageTransform() {
            @Override
            public int size() {
                return t.size();
            }

            @Override
            public float[] apply(RgbImage image, RandomGenerator rng) {
                return t.apply(image);
            }

            @Override
            public String toString() {
                return "albef(" + size + ")";
            }
        };
    }

    /**
     * {@code albef_transform_randaug(size)} with the official numeric behaviour.
     *
     * @param size output side
     * @return the transform
     */
    static ImageTransform albefRandAug(int size) {
        return albefRandAug(size, AugmentFidelity.OFFICIAL);
    }

    /**
     * {@code albef_transform_randaug(size)}.
     *
     * @param size     output side
     * @param fidelity official (numpy wrap-around quirks) or corrected AutoContrast/Sharpness
     * @return the transform
     */
    static ImageTransform albefRandAug(int size, AugmentFidelity fidelity) {
        AlbefRandAugTransform t = AlbefRandAugTransform.fiber(size, fidelity);
        return new ImageTransform() {
            @Override
            public int size() {
                return t.size();
            }

            @Override
            public float[] apply(RgbImage image, RandomGenerator rng) {
                return t.apply(image, rng);
            }

            @Override
            public String toString() {
                return "albef_randaug(" + size + ", " + fidelity + ")";
            }
        };
    }

    /**
     * The transform named by a FIBER config key ({@code train_transform_keys} /
     * {@code val_transform_keys}).
     *
     * @param key  {@code "albef"} or {@code "albef_randaug"}
     * @param size output side ({@code image_size})
     * @return the transform
     */
    static ImageTransform forKey(String key, int size) {
        Objects.requireNonNull(key, "key");
        switch (key) {
            case "albef":
                return albef(size);
            case "albef_randaug":
                return albefRandAug(size);
            default:
                throw new IllegalArgumentException("unknown transform key '" + key + "' (FIBER has \"albef\" and \"albef_randaug\")");
        }
    }
}
