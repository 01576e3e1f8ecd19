package dev.fiber.tasks.data.augment;

/**
 * How closely the RandAugment ops follow the official code's numeric behaviour.
 *
 * <p>FIBER's training transform {@code albef_transform_randaug} uses ALBEF's numpy/OpenCV
 * {@code RandomAugment} ({@code fiber/transforms/randaug.py}). Two of its ops differ from the Pillow
 * operations they imitate because of numpy's unsigned 8-bit arithmetic:
 * <ul>
 *   <li><b>AutoContrast</b> computes the offset as {@code -low * scale} with {@code low} a numpy
 *       {@code uint8} scalar, so {@code -low} wraps to {@code 256 - low}. For any channel whose minimum
 *       is above 0 the offset becomes so large that the whole channel maps to 255 (white); only
 *       channels that already reach 0 are stretched as Pillow would.</li>
 *   <li><b>Sharpness</b> blends in float32 and converts with {@code astype(np.uint8)} without clipping;
 *       on x86-64 numpy truncates towards zero and keeps the low 8 bits, so values above 255 or below
 *       0 wrap around (e.g. 274.8 becomes 18) at strong edges.</li>
 * </ul>
 */
public enum AugmentFidelity {
    /** Reproduce the official numpy behaviour, including both wrap-arounds above (the default). */
    OFFICIAL,
    /**
     * The behaviour the official comments intend (Pillow's): AutoContrast with offset
     * {@code -low * scale}, Sharpness clamped to 0..255 before truncation. Everything else is
     * identical to {@link #OFFICIAL}.
     */
    CORRECTED
}
