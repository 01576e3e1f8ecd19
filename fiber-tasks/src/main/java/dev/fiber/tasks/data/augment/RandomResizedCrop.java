package dev.fiber.tasks.data.augment;

import dev.fiber.core.image.PilResample;
import dev.fiber.core.image.RgbImage;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * torchvision's {@code RandomResizedCrop(size, scale, ratio, interpolation)} on PIL images: sample a
 * box ({@link #sample}) and resize it to {@code size x size} with Pillow's filter ({@link PilResample},
 * byte-exact). FIBER uses {@code scale = (0.5, 1.0)}, the default {@code ratio = (3/4, 4/3)} and
 * BICUBIC.
 *
 * <p>Box sampling follows {@code get_params}: up to 10 attempts, each with area fraction uniform in
 * {@code scale}, aspect ratio {@code exp(uniform(log r0, log r1))},
 * {@code w = round(sqrt(area * ratio))}, {@code h = round(sqrt(area / ratio))} (Python's round half to
 * even); an attempt that fits gives a uniformly placed box. Otherwise the fallback is the centre crop
 * with the aspect ratio clamped into {@code ratio}. torchvision draws from torch's generator in
 * float32; here the draws are doubles from the caller's generator (same distributions, different
 * values). Immutable and thread-safe.
 *
 * @param size     output side S
 * @param minScale lower bound of the area fraction, in (0, maxScale]
 * @param maxScale upper bound of the area fraction
 * @param minRatio lower bound of the aspect ratio w/h, in (0, maxRatio]
 * @param maxRatio upper bound of the aspect ratio
 * @param filter   the resampling filter
 */
public record RandomResizedCrop(int size, double minScale, double maxScale, double minRatio, double maxRatio,
        PilResample.Filter filter) {

    /** Attempts before the centre-crop fallback (torchvision: 10). */
    public static final int ATTEMPTS = 10;

    /** Validates the parameters. */
    public RandomResizedCrop {
        Objects.requireNonNull(filter, "filter");
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive, got " + size);
        }
        if (!(minScale > 0 && minScale <= maxScale)) {
            throw new IllegalArgumentException("need 0 < minScale <= maxScale, got (" + minScale + ", " + maxScale + ")");
        }
        if (!(minRatio > 0 && minRatio <= maxRatio)) {
            throw new IllegalArgumentException("need 0 < minRatio <= maxRatio, got (" + minRatio + ", " + maxRatio + ")");
        }
    }

    /**
     * FIBER's crop: {@code RandomResizedCrop(size, scale=(0.5, 1.0), interpolation=BICUBIC)}.
     *
     * @param size output side
     * @return the crop
     */
    public static RandomResizedCrop fiber(int size) {
        return new RandomResizedCrop(size, 0.5, 1.0, 3.0 / 4.0, 4.0 / 3.0, PilResample.Filter.BICUBIC);
    }

    /**
     * Samples a crop box.
     *
     * @param width  image width
     * @param height image height
     * @param rng    random source
     * @return a box inside the image
     */
    public CropBox sample(int width, int height, RandomGenerator rng) {
        double area = (double) width * height;
        double logMin = Math.log(minRatio);
        double logMax = Math.log(maxRatio);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double targetArea = area * uniform(rng, minScale, maxScale);
            double aspect = Math.exp(uniform(rng, logMin, logMax));
            int w = (int) Math.rint(Math.sqrt(targetArea * aspect));
            int h = (int) Math.rint(Math.sqrt(targetArea / aspect));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                int top = rng.nextInt(height - h + 1);
                int left = rng.nextInt(width - w + 1);
                return new CropBox(top, left, h, w);
            }
        }
        return centerFallback(width, height);
    }

    /**
     * The fallback box when no attempt fits.
     *
     * @param width  image width
     * @param height image height
     * @return the centred box whose aspect ratio is clamped into {@code [minRatio, maxRatio]}
     */
    public CropBox centerFallback(int width, int height) {
        double inRatio = (double) width / height;
        int w;
        int h;
        if (inRatio < minRatio) {
            w = width;
            h = (int) Math.rint(w / minRatio);
        } else if (inRatio > maxRatio) {
            h = height;
            w = (int) Math.rint(h * maxRatio);
        } else {
            w = width;
            h = height;
        }
        return new CropBox((height - h) / 2, (width - w) / 2, h, w);
    }

    /**
     * Crops {@code box} and resizes it to {@code size x size}.
     *
     * @param image the image
     * @param box   a box inside it
     * @return the resized crop
     */
    public RgbImage cropAndResize(RgbImage image, CropBox box) {
        RgbImage cropped = ImageOps.crop(image, box.left(), box.top(), box.width(), box.height());
        return PilResample.resize(cropped, size, size, filter);
    }

    /**
     * Samples a box and crops/resizes.
     *
     * @param image the image
     * @param rng   random source
     * @return the {@code size x size} crop
     */
    public RgbImage apply(RgbImage image, RandomGenerator rng) {
        return cropAndResize(image, sample(image.width(), image.height(), rng));
    }

    private static double uniform(RandomGenerator rng, double lo, double hi) {
        return lo == hi ? lo : rng.nextDouble(lo, hi);
    }
}
