package dev.fiber.tasks.data.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fiber.core.image.AlbefTransform;
import dev.fiber.core.image.PilResample;
import dev.fiber.core.image.RgbImage;
import dev.fiber.tasks.data.SampleSeeds;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** RandomResizedCrop sampling, RandomAugment draws and the whole albef_randaug transform. */
class AlbefRandAugTransformTest {

    private static RgbImage pattern(int w, int h) {
        byte[] b = new byte[w * h * 3];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (((i / 3) % w) * 255 / w + r.nextInt(30));
        }
        return RgbImage.of(w, h, b);
    }

    @Test
    void cropBoxesStayInsideWithOfficialScaleAndRatio() {
        RandomResizedCrop crop = RandomResizedCrop.fiber(64);
        SplittableRandom rng = new SplittableRandom(1);
        int w = 200;
        int h = 150;
        double sumFraction = 0;
        int n = 4000;
        for (int i = 0; i < n; i++) {
            CropBox b = crop.sample(w, h, rng);
            assertTrue(b.top() >= 0 && b.left() >= 0 && b.top() + b.height() <= h && b.left() + b.width() <= w, b.toString());
            double fraction = (double) b.width() * b.height() / (w * h);
            double ratio = (double) b.width() / b.height();
            // rounding w and h to integers moves the fraction/ratio a little outside the nominal range
            assertTrue(fraction > 0.48 && fraction <= 1.0, "area fraction " + fraction);
            assertTrue(ratio > 0.74 && ratio < 1.35, "ratio " + ratio);
            sumFraction += fraction;
        }
        double mean = sumFraction / n;
        System.out.printf("RandomResizedCrop(200x150): mean area fraction %.4f over %d boxes%n", mean, n);
        // uniform(0.5, 1) has mean 0.75, but on a 4:3 image large boxes often do not fit and are redrawn:
        // a 200000-draw simulation of torchvision's get_params gives a mean of 0.6631
        assertEquals(0.6631, mean, 0.01, "mean area fraction");
    }

    @Test
    void fallbackIsTheClampedCentreCrop() {
        RandomResizedCrop crop = RandomResizedCrop.fiber(32);
        // 1000 x 10: no attempt fits (h would exceed 10): centre crop h = 10, w = round(10 * 4/3) = 13
        CropBox b = crop.sample(1000, 10, new SplittableRandom(3));
        assertEquals(new CropBox(0, 493, 10, 13), b);
        // 10 x 1000: w = 10, h = round(10 / 0.75) = 13, top = (1000 - 13) / 2 = 493
        assertEquals(new CropBox(493, 0, 13, 10), crop.centerFallback(10, 1000));
        // in range: the whole image
        assertEquals(new CropBox(0, 0, 90, 100), crop.centerFallback(100, 90));
    }

    @Test
    void cropAndResizeUsesPillowBicubic() {
        RgbImage img = pattern(40, 30);
        RandomResizedCrop crop = RandomResizedCrop.fiber(16);
        CropBox box = new CropBox(3, 5, 20, 25);
        RgbImage expected = PilResample.resize(ImageOps.crop(img, 5, 3, 25, 20), 16, 16, PilResample.Filter.BICUBIC);
        assertArrayEquals(expected.toByteArray(), crop.cropAndResize(img, box).toByteArray());
    }

    @Test
    void randomAugmentDrawsOpsUniformlyAndAppliesHalfOfThem() {
        RandomAugment ra = RandomAugment.fiber(AugmentFidelity.OFFICIAL);
        assertEquals(2, ra.numOps());
        assertEquals(7, ra.magnitude());
        assertEquals(10, ra.ops().size());
        Map<RandAugOp, Integer> counts = new EnumMap<>(RandAugOp.class);
        SplittableRandom rng = new SplittableRandom(11);
        int n = 20000;
        for (int i = 0; i < n; i++) {
            for (RandAugOp op : ra.sampleOps(rng)) {
                counts.merge(op, 1, Integer::sum);
            }
        }
        for (RandAugOp op : RandAugOp.values()) {
            double share = counts.getOrDefault(op, 0) / (2.0 * n);
            assertEquals(0.1, share, 0.01, op + " share " + share);
        }
        // probability 0.5 per op: with only Brightness in the list, 1/4 of images get it twice,
        // 1/2 once, 1/4 not at all
        RandomAugment bright = new RandomAugment(2, 7, java.util.List.of(RandAugOp.BRIGHTNESS), AugmentFidelity.OFFICIAL);
        RgbImage one = RgbImage.of(1, 1, new byte[] {100, 100, 100});
        int[] hist = new int[3];
        for (int i = 0; i < 8000; i++) {
            int v = bright.apply(one, rng).get(0, 0, 0);
            hist[v == 100 ? 0 : v == 136 ? 1 : 2]++;
        }
        assertEquals(0.25, hist[0] / 8000.0, 0.02);
        assertEquals(0.5, hist[1] / 8000.0, 0.02);
        assertEquals(0.25, hist[2] / 8000.0, 0.02);
    }

    @Test
    void officialOpNames() {
        String[] names = {"Identity", "AutoContrast", "Equalize", "Brightness", "Sharpness", "ShearX", "ShearY",
            "TranslateX", "TranslateY", "Rotate"};
        for (int i = 0; i < names.length; i++) {
            assertEquals(RandomAugment.FIBER_OPS.get(i), RandAugOp.fromOfficialName(names[i]));
            assertEquals(names[i], RandomAugment.FIBER_OPS.get(i).officialName());
        }
        assertThrows(IllegalArgumentException.class, () -> RandAugOp.fromOfficialName("Solarize"));
    }

    @Test
    void wholeTransformIsDeterministicWithRightShapeAndRange() {
        AlbefRandAugTransform t = AlbefRandAugTransform.fiber(48);
        assertEquals(48, t.size());
        RgbImage img = pattern(80, 60);
        float[] a = t.apply(img, SampleSeeds.forSample(42, 0, 5));
        float[] b = t.apply(img, SampleSeeds.forSample(42, 0, 5));
        float[] c = t.apply(img, SampleSeeds.forSample(42, 1, 5));
        assertEquals(3 * 48 * 48, a.length);
        assertArrayEquals(a, b, 0f);
        assertFalse(java.util.Arrays.equals(a, c), "another epoch gives another augmentation");
        float[] mean = AlbefTransform.mean();
        float[] std = AlbefTransform.std();
        for (int ch = 0; ch < 3; ch++) {
            float lo = (0 - mean[ch]) / std[ch];
            float hi = (1 - mean[ch]) / std[ch];
            for (int i = ch * 48 * 48; i < (ch + 1) * 48 * 48; i++) {
                assertTrue(a[i] >= lo - 1e-6f && a[i] <= hi + 1e-6f, "value " + a[i] + " outside [" + lo + ", " + hi + "]");
            }
        }
        // the float stage is exactly ToTensor + Normalize of the uint8 stage
        RgbImage u8 = t.augment(img, SampleSeeds.forSample(42, 0, 5));
        assertArrayEquals(AlbefTransform.normalize(u8), a, 0f);
    }

    @Test
    void manySeedsProduceVariedButValidImages() {
        AlbefRandAugTransform t = AlbefRandAugTransform.fiber(32, AugmentFidelity.CORRECTED);
        RgbImage img = pattern(50, 70);
        java.util.Set<Integer> distinct = new java.util.HashSet<>();
        for (int i = 0; i < 60; i++) {
            RandomGenerator rng = SampleSeeds.forSample(9, 0, i);
            RgbImage out = t.augment(img, rng);
            assertEquals(32, out.width());
            assertEquals(32, out.height());
            distinct.add(java.util.Arrays.hashCode(out.toByteArray()));
        }
        assertTrue(distinct.size() > 55, "augmentations should differ between samples: " + distinct.size());
    }

    @Test
    void seedsAreIndependentOfEachOther() {
        assertNotEquals(SampleSeeds.forSample(1, 0, 0).nextLong(), SampleSeeds.forSample(1, 0, 1).nextLong());
        assertNotEquals(SampleSeeds.forSample(1, 0, 0).nextLong(), SampleSeeds.forSample(2, 0, 0).nextLong());
        assertNotEquals(SampleSeeds.forSample(1, 0, 0).nextLong(), SampleSeeds.forEpoch(1, 0).nextLong());
        assertEquals(SampleSeeds.forItem(5, 3).nextLong(), SampleSeeds.forItem(5, 3).nextLong());
    }

    @Test
    void validation() {
        assertThrows(IllegalArgumentException.class, () -> new RandomResizedCrop(0, 0.5, 1, 0.75, 1.33, PilResample.Filter.BICUBIC));
        assertThrows(IllegalArgumentException.class, () -> new RandomResizedCrop(8, 0.6, 0.5, 0.75, 1.33, PilResample.Filter.BICUBIC));
        assertThrows(IllegalArgumentException.class, () -> new RandomAugment(2, 11, RandomAugment.FIBER_OPS, AugmentFidelity.OFFICIAL));
        assertThrows(IllegalArgumentException.class, () -> new RandomAugment(2, 7, java.util.List.of(), AugmentFidelity.OFFICIAL));
        assertThrows(IllegalArgumentException.class, () -> new AlbefRandAugTransform(RandomResizedCrop.fiber(8), 1.5,
                RandomAugment.fiber(AugmentFidelity.OFFICIAL)));
    }
}
