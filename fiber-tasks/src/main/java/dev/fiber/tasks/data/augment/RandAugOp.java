package dev.fiber.tasks.data.augment;

import dev.fiber.core.image.RgbImage;
import java.util.random.RandomGenerator;

/**
 * The operations FIBER's {@code albef_transform_randaug} lets ALBEF's {@code RandomAugment} choose
 * from, in the official order, with the official level-to-argument mappings ({@code MAX_LEVEL = 10},
 * {@code translate_const = 10}, fill {@code (128, 128, 128)}):
 * <ul>
 *   <li>Identity, AutoContrast, Equalize: no argument;</li>
 *   <li>Brightness, Sharpness: factor {@code level / 10 * 1.8 + 0.1} (1.36 at level 7);</li>
 *   <li>ShearX/Y: factor {@code level / 10 * 0.3}, negated when a uniform draw is {@code > 0.5};</li>
 *   <li>TranslateX/Y: {@code level / 10 * 10} pixels, negated when a uniform draw is {@code > 0.5};</li>
 *   <li>Rotate: {@code level / 10 * 30} degrees, negated when a uniform draw is {@code < 0.5}.</li>
 * </ul>
 * ALBEF's other ops (Solarize, Color, Contrast, Posterize, Cutout) are not part of FIBER's list and
 * are not provided.
 */
public enum RandAugOp {
    /** {@code "Identity"}. */
    IDENTITY("Identity"),
    /** {@code "AutoContrast"}. */
    AUTO_CONTRAST("AutoContrast"),
    /** {@code "Equalize"}. */
    EQUALIZE("Equalize"),
    /** {@code "Brightness"}. */
    BRIGHTNESS("Brightness"),
    /** {@code "Sharpness"}. */
    SHARPNESS("Sharpness"),
    /** {@code "ShearX"}. */
    SHEAR_X("ShearX"),
    /** {@code "ShearY"}. */
    SHEAR_Y("ShearY"),
    /** {@code "TranslateX"}. */
    TRANSLATE_X("TranslateX"),
    /** {@code "TranslateY"}. */
    TRANSLATE_Y("TranslateY"),
    /** {@code "Rotate"}. */
    ROTATE("Rotate");

    /** {@code MAX_LEVEL} of randaug.py. */
    public static final int MAX_LEVEL = 10;
    /** {@code translate_const} of randaug.py (pixels at the maximum level). */
    public static final double TRANSLATE_CONST = 10;

    private final String officialName;

    RandAugOp(String officialName) {
        this.officialName = officialName;
    }

    /** @return the op's name in randaug.py ({@code "ShearX"}, ...) */
    public String officialName() {
        return officialName;
    }

    /**
     * @param name a name as written in randaug.py's op list
     * @return the op
     * @throws IllegalArgumentException for names FIBER does not use
     */
    public static RandAugOp fromOfficialName(String name) {
        for (RandAugOp op : values()) {
            if (op.officialName.equals(name)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown RandAugment op '" + name + "' (FIBER uses Identity, "
                + "AutoContrast, Equalize, Brightness, Sharpness, ShearX, ShearY, TranslateX, TranslateY, Rotate)");
    }

    /**
     * {@code (level / MAX_LEVEL) * 1.8 + 0.1}: the Brightness/Sharpness factor.
     *
     * @param level magnitude
     * @return the enhancement factor
     */
    public static double enhanceFactor(int level) {
        return ((double) level / MAX_LEVEL) * 1.8 + 0.1;
    }

    /**
     * Draws this op's arguments for {@code level} (consuming one uniform draw for the sign of the
     * geometric ops, none otherwise) and applies it.
     *
     * @param image    the image
     * @param level    magnitude 0..10 ({@code M}; FIBER uses 7)
     * @param rng      random source for the sign
     * @param fidelity numeric behaviour of AutoContrast and Sharpness
     * @return the transformed image
     */
    public RgbImage apply(RgbImage image, int level, RandomGenerator rng, AugmentFidelity fidelity) {
        double fraction = (double) level / MAX_LEVEL;
        switch (this) {
            case IDENTITY:
                return ImageOps.identity(image);
            case AUTO_CONTRAST:
                return ImageOps.autoContrast(image, fidelity);
            case EQUALIZE:
                return ImageOps.equalize(image);
            case BRIGHTNESS:
                return ImageOps.brightness(image, enhanceFactor(level));
            case SHARPNESS:
                return ImageOps.sharpness(image, enhanceFactor(level), fidelity);
            case SHEAR_X:
            case SHEAR_Y: {
                double v = fraction * 0.3;
                if (rng.nextDouble() > 0.5) {
                    v = -v;
                }
                return this == SHEAR_X
                        ? ImageOps.shearX(image, v, ImageOps.GRAY_FILL)
                        : ImageOps.shearY(image, v, ImageOps.GRAY_FILL);
            }
            case TRANSLATE_X:
            case TRANSLATE_Y: {
                double v = fraction * TRANSLATE_CONST;
                if (rng.nextDouble() > 0.5) {
                    v = -v;
                }
                return this == TRANSLATE_X
                        ? ImageOps.translateX(image, v, ImageOps.GRAY_FILL)
                        : ImageOps.translateY(image, v, ImageOps.GRAY_FILL);
            }
            case ROTATE: {
                double v = fraction * 30;
                if (rng.nextDouble() < 0.5) {
                    v = -v;
                }
                return ImageOps.rotate(image, v, ImageOps.GRAY_FILL);
            }
            default:
                throw new IllegalStateException("unhandled op " + this);
        }
    }
}
