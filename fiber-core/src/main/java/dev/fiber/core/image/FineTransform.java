package dev.fiber.core.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Fine-grained FIBER's evaluation image transform ({@code build_transforms(cfg, is_train=False)} in
 * {@code maskrcnn_benchmark/data/transforms/build.py}) followed by {@code to_image_list}:
 *
 * <ol>
 *   <li>{@code Resize(MIN_SIZE_TEST, MAX_SIZE_TEST)}: short side to {@code minSize} unless the long side
 *       would exceed {@code maxSize}, in which case the short side becomes
 *       {@code round(maxSize * short / long)} (Python's round half to even); the long side is
 *       {@code int(size * long / short)} (truncated); an image whose short side already equals the
 *       target is left as is. With {@code fixRes} the size is exactly {@code (minSize, maxSize)} as
 *       (height, width). Resampling is Pillow's antialiasing BILINEAR ({@link PilResample}).</li>
 *   <li>{@code ToTensor()} (/255) and {@code Normalize(PIXEL_MEAN, PIXEL_STD, format)}: with
 *       {@code "bgr255"} (from {@code TO_BGR255: True}) channels are flipped to BGR and multiplied by
 *       255 before {@code (x - mean) / std}; all in float32 like torch.</li>
 *   <li>zero padding <em>after</em> normalisation, bottom and right, to a multiple of
 *       {@code sizeDivisibility} (32) — for a batch, to the largest image rounded up.</li>
 * </ol>
 *
 * <p>Immutable and thread-safe.
 *
 * @param minSize          {@code INPUT.MIN_SIZE_TEST} (800)
 * @param maxSize          {@code INPUT.MAX_SIZE_TEST} (1333); {@code <= 0} for no limit
 * @param sizeDivisibility {@code DATALOADER.SIZE_DIVISIBILITY} (32); {@code <= 0} for no padding
 * @param pixelMean        {@code INPUT.PIXEL_MEAN}, in the channel order of {@code format}
 * @param pixelStd         {@code INPUT.PIXEL_STD}, in the channel order of {@code format}
 * @param format           {@code "bgr255"}, {@code "bgr"}, {@code "rgb255"} or {@code "rgb"}
 * @param fixRes           {@code INPUT.FIX_RES}: resize to exactly {@code minSize x maxSize}
 */
public record FineTransform(int minSize, int maxSize, int sizeDivisibility, float[] pixelMean, float[] pixelStd,
        String format, boolean fixRes) {

    /** FIBER-B / GLIP defaults: 800 / 1333, /32, Caffe2 BGR mean and std, {@code bgr255}. */
    public static final FineTransform DEFAULT = new FineTransform(800, 1333, 32,
            new float[] {103.530f, 116.280f, 123.675f}, new float[] {57.375f, 57.120f, 58.395f}, "bgr255", false);

    /** Validates and copies the arrays. */
    public FineTransform {
        if (minSize <= 0) {
            throw new IllegalArgumentException("minSize must be positive, got " + minSize);
        }
        if (fixRes && maxSize <= 0) {
            throw new IllegalArgumentException("fixRes needs a positive maxSize, got " + maxSize);
        }
        Objects.requireNonNull(pixelMean, "pixelMean");
        Objects.requireNonNull(pixelStd, "pixelStd");
        if (pixelMean.length != 3 || pixelStd.length != 3) {
            throw new IllegalArgumentException("pixelMean and pixelStd need 3 values each");
        }
        for (float s : pixelStd) {
            if (!(s != 0f)) {
                throw new IllegalArgumentException("pixelStd must be non-zero");
            }
        }
        pixelMean = pixelMean.clone();
        pixelStd = pixelStd.clone();
        format = Objects.requireNonNull(format, "format").toLowerCase(Locale.ROOT);
        if (!format.equals("bgr255") && !format.equals("bgr") && !format.equals("rgb255") && !format.equals("rgb")) {
            throw new IllegalArgumentException("format must be bgr255, bgr, rgb255 or rgb, got " + format);
        }
    }

    /**
     * The transform with other test sizes (e.g. 128 / 160 of the tiny reference model).
     *
     * @param min {@code MIN_SIZE_TEST}
     * @param max {@code MAX_SIZE_TEST}
     * @return a copy with those sizes
     */
    public FineTransform withSizes(int min, int max) {
        return new FineTransform(min, max, sizeDivisibility, pixelMean, pixelStd, format, fixRes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FineTransform t && minSize == t.minSize && maxSize == t.maxSize
                && sizeDivisibility == t.sizeDivisibility && Arrays.equals(pixelMean, t.pixelMean)
                && Arrays.equals(pixelStd, t.pixelStd) && format.equals(t.format) && fixRes == t.fixRes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(minSize, maxSize, sizeDivisibility, Arrays.hashCode(pixelMean), Arrays.hashCode(pixelStd),
                format, fixRes);
    }

    @Override
    public String toString() {
        return "FineTransform{minSize=" + minSize + ", maxSize=" + maxSize + ", sizeDivisibility=" + sizeDivisibility
                + ", pixelMean=" + Arrays.toString(pixelMean) + ", pixelStd=" + Arrays.toString(pixelStd)
                + ", format=" + format + ", fixRes=" + fixRes + "}";
    }

    @Override
    public float[] pixelMean() {
        return pixelMean.clone();
    }

    @Override
    public float[] pixelStd() {
        return pixelStd.clone();
    }

    /**
     * {@code Resize.get_size}: the size an image is resized to.
     *
     * @param original the original size
     * @return the resized size
     */
    public ImageSize targetSize(ImageSize original) {
        int w = original.width();
        int h = original.height();
        if (fixRes) {
            return new ImageSize(minSize, maxSize);
        }
        int size = minSize;
        if (maxSize > 0) {
            double minOrig = Math.min(w, h);
            double maxOrig = Math.max(w, h);
            if (maxOrig / minOrig * size > maxSize) {
                size = (int) Math.rint(maxSize * minOrig / maxOrig);
            }
        }
        if ((w <= h && w == size) || (h <= w && h == size)) {
            return new ImageSize(h, w);
        }
        if (w < h) {
            return new ImageSize((int) ((double) size * h / w), size);
        }
        return new ImageSize(size, (int) ((double) size * w / h));
    }

    /**
     * @param image the RGB image
     * @return the image resized with Pillow's bilinear filter (the uint8 stage of the transform)
     */
    public RgbImage resize(RgbImage image) {
        ImageSize t = targetSize(new ImageSize(image.height(), image.width()));
        return PilResample.resize(image, t.width(), t.height(), PilResample.Filter.BILINEAR);
    }

    /**
     * {@code ToTensor} + {@code Normalize} of an already resized image, unpadded.
     *
     * @param resized the uint8 image
     * @return float32 CHW values (channel order of {@code format})
     */
    public float[] normalize(RgbImage resized) {
        boolean bgr = format.startsWith("bgr");
        boolean times255 = format.endsWith("255");
        int plane = resized.width() * resized.height();
        byte[] px = resized.data();
        float[] out = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            int src = bgr ? 2 - c : c;
            float mean = pixelMean[c];
            float std = pixelStd[c];
            for (int i = 0; i < plane; i++) {
                float x = (px[i * 3 + src] & 0xFF) / 255f;
                if (times255) {
                    x = x * 255f;
                }
                out[c * plane + i] = (x - mean) / std;
            }
        }
        return out;
    }

    private int padTo(int v) {
        return sizeDivisibility > 0 ? (v + sizeDivisibility - 1) / sizeDivisibility * sizeDivisibility : v;
    }

    /**
     * Transforms one image and pads it to a multiple of {@code sizeDivisibility}.
     *
     * @param image the RGB image
     * @return pixels and sizes
     */
    public FineImageInput apply(RgbImage image) {
        Objects.requireNonNull(image, "image");
        RgbImage resized = resize(image);
        ImageSize size = new ImageSize(resized.height(), resized.width());
        ImageSize padded = new ImageSize(padTo(size.height()), padTo(size.width()));
        float[] pixels = pad(normalize(resized), size, padded);
        return new FineImageInput(pixels, padded, size, new ImageSize(image.height(), image.width()));
    }

    /**
     * Reads an image file and transforms it.
     *
     * @param path the image file
     * @return pixels and sizes
     * @throws IOException if the file cannot be decoded (the message names it)
     */
    public FineImageInput apply(Path path) throws IOException {
        return apply(ImageDecoder.read(path));
    }

    /**
     * Transforms a batch like {@code to_image_list(size_divisible)}: every image zero-padded to the
     * largest height and width of the batch, rounded up to {@code sizeDivisibility}.
     *
     * @param images  the RGB images, at least one
     * @param manager owns the result
     * @return float32 (B, 3, Hp, Wp) pixels with per-image sizes
     */
    public FineImageBatch batch(List<RgbImage> images, NDManager manager) {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(manager, "manager");
        if (images.isEmpty()) {
            throw new IllegalArgumentException("cannot build a batch of zero images");
        }
        List<float[]> planes = new ArrayList<>();
        List<ImageSize> sizes = new ArrayList<>();
        List<ImageSize> originals = new ArrayList<>();
        int maxH = 0;
        int maxW = 0;
        for (int b = 0; b < images.size(); b++) {
            RgbImage img = images.get(b);
            if (img == null) {
                throw new NullPointerException("image " + b + " of the batch is null");
            }
            RgbImage resized = resize(img);
            planes.add(normalize(resized));
            sizes.add(new ImageSize(resized.height(), resized.width()));
            originals.add(new ImageSize(img.height(), img.width()));
            maxH = Math.max(maxH, resized.height());
            maxW = Math.max(maxW, resized.width());
        }
        ImageSize padded = new ImageSize(padTo(maxH), padTo(maxW));
        int n = 3 * padded.height() * padded.width();
        float[] all = new float[images.size() * n];
        for (int b = 0; b < images.size(); b++) {
            System.arraycopy(pad(planes.get(b), sizes.get(b), padded), 0, all, b * n, n);
        }
        NDArray pixels = manager.create(all, new Shape(images.size(), 3, padded.height(), padded.width()));
        return new FineImageBatch(pixels, List.copyOf(sizes), List.copyOf(originals));
    }

    private static float[] pad(float[] chw, ImageSize size, ImageSize padded) {
        int h = size.height();
        int w = size.width();
        int ph = padded.height();
        int pw = padded.width();
        if (h == ph && w == pw) {
            return chw;
        }
        float[] out = new float[3 * ph * pw];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(chw, (c * h + y) * w, out, (c * ph + y) * pw, w);
            }
        }
        return out;
    }
}
