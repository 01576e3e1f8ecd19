package dev.fiber.tasks.data.augment;

import dev.fiber.core.image.AlbefTransform;
import dev.fiber.core.image.RgbImage;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * FIBER's training image transform {@code albef_transform_randaug(size)}
 * ({@code fiber/transforms/transform.py}, from ALBEF): {@link RandomResizedCrop} (scale 0.5-1,
 * bicubic), horizontal flip with probability 0.5, {@link RandomAugment} (2 ops at level 7 from
 * {@link RandomAugment#FIBER_OPS}), then {@code ToTensor} + ImageNet {@code Normalize} exactly as the
 * evaluation transform ({@link AlbefTransform#normalize}).
 *
 * <p>Deterministic for a given generator state: all draws come from the caller's
 * {@link RandomGenerator}, in this order: crop box, flip, RandAugment. The values differ from
 * PyTorch/numpy's generators but the distributions are the official ones. Immutable and thread-safe
 * (use one generator per thread or per sample).
 *
 * @param crop            the random resized crop (its size is the output side)
 * @param flipProbability probability of the horizontal flip (torchvision draws {@code rand() < p})
 * @param randAugment     the RandAugment stage
 */
public record AlbefRandAugTransform(RandomResizedCrop crop, double flipProbability, RandomAugment randAugment) {

    /** Validates the parameters. */
    public AlbefRandAugTransform {
        Objects.requireNonNull(crop, "crop");
        Objects.requireNonNull(randAugment, "randAugment");
        if (!(flipProbability >= 0 && flipProbability <= 1)) {
            throw new IllegalArgumentException("flip probability must be in [0, 1], got " + flipProbability);
        }
    }

    /**
     * The official transform with the official numeric behaviour ({@link AugmentFidelity#OFFICIAL}).
     *
     * @param size output side S (FIBER: 384 or 576)
     * @return the transform
     */
    public static AlbefRandAugTransform fiber(int size) {
        return fiber(size, AugmentFidelity.OFFICIAL);
    }

    /**
     * The official transform with a chosen numeric behaviour of AutoContrast and Sharpness.
     *
     * @param size     output side S
     * @param fidelity official (numpy wrap-around) or corrected (Pillow) behaviour
     * @return the transform
     */
    public static AlbefRandAugTransform fiber(int size, AugmentFidelity fidelity) {
        return new AlbefRandAugTransform(RandomResizedCrop.fiber(size), 0.5, RandomAugment.fiber(fidelity));
    }

    /** @return the output side S */
    public int size() {
        return crop.size();
    }

    /**
     * The uint8 stage: crop + resize, flip, RandAugment.
     *
     * @param image the image
     * @param rng   random source
     * @return the augmented {@code S x S} image
     */
    public RgbImage augment(RgbImage image, RandomGenerator rng) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(rng, "rng");
        RgbImage out = crop.apply(image, rng);
        if (rng.nextDouble() < flipProbability) {
            out = ImageOps.horizontalFlip(out);
        }
        return randAugment.apply(out, rng);
    }

    /**
     * The whole transform.
     *
     * @param image the image
     * @param rng   random source
     * @return float32 CHW, {@code 3 * S * S} values, ImageNet-normalised
     */
    public float[] apply(RgbImage image, RandomGenerator rng) {
        return AlbefTransform.normalize(augment(image, rng));
    }
}
