package dev.fiber.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;
import dev.fiber.core.model.load.LoadOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Float32 parity of the whole FIBER coarse model with the official implementation on the tiny
 * reference checkpoint: every output and intermediate of {@code tiny_cases.npz} within
 * |diff| <= 1e-4 + 1e-4*|ref| elementwise, argmax outputs exact.
 */
class FiberParityTest {

    static final double ATOL = 1e-4;
    static final double RTOL = 1e-4;
    static final Set<String> INPUTS = Set.of("image", "image_1", "text_ids", "text_masks");

    @Test
    void everyReferenceOutputMatchesOnCpu() throws Exception {
        check(Device.cpu());
    }

    @Test
    void everyReferenceOutputMatchesOnGpu() throws Exception {
        Assumptions.assumeTrue(Engine.getInstance().getGpuCount() > 0, "no GPU");
        check(Device.gpu());
    }

    private void check(Device device) throws Exception {
        Map<String, NpyArray> ref = Npy.readNpz(TinyWeights.cases());
        LinkedHashMap<String, Npy.Entry> out;
        try (FiberModel model = FiberModel.load(TinyWeights.checkpoint(), LoadOptions.defaults().withDevice(device))) {
            assertTrue(model.loadReport().isExact(), model.loadReport().toString());
            out = ReferenceOutputs.compute(model, ref);
        }
        List<String> failures = compare(ref, out, INPUTS);
        assertTrue(failures.isEmpty(), "parity failures on " + device + ":\n" + String.join("\n", failures));
    }

    /** Compares every non-input reference key; prints the achieved errors; returns failures. */
    static List<String> compare(Map<String, NpyArray> ref, Map<String, Npy.Entry> out, Set<String> inputs) {
        List<String> failures = new ArrayList<>();
        System.out.printf("%-32s %12s %12s %12s%n", "output", "max|diff|", "max ratio", "max|ref|");
        for (Map.Entry<String, NpyArray> e : ref.entrySet()) {
            String key = e.getKey();
            if (inputs.contains(key)) {
                continue;
            }
            Npy.Entry got = out.get(key);
            if (got == null) {
                failures.add(key + ": not produced");
                continue;
            }
            NpyArray r = e.getValue();
            assertArrayEquals(r.shape(), got.shape(), key + " shape");
            if (r.kind() == 'i') {
                long[] want = r.toLongArray();
                long[] have = (long[]) got.data();
                int wrong = 0;
                for (int i = 0; i < want.length; i++) {
                    if (want[i] != have[i]) {
                        wrong++;
                    }
                }
                System.out.printf("%-32s %12s %12s %12s%n", key, wrong + " wrong", "-", "-");
                if (wrong > 0) {
                    failures.add(key + ": " + wrong + " of " + want.length + " ids differ");
                }
                continue;
            }
            float[] want = r.toFloatArray();
            float[] have = (float[]) got.data();
            assertEquals(want.length, have.length, key);
            double maxDiff = 0;
            double maxRatio = 0;
            double maxRef = 0;
            int worst = -1;
            for (int i = 0; i < want.length; i++) {
                double d = Math.abs((double) want[i] - have[i]);
                double ratio = d / (ATOL + RTOL * Math.abs(want[i]));
                if (Double.isNaN(d)) {
                    ratio = Double.POSITIVE_INFINITY;
                }
                maxDiff = Math.max(maxDiff, d);
                maxRef = Math.max(maxRef, Math.abs(want[i]));
                if (ratio > maxRatio) {
                    maxRatio = ratio;
                    worst = i;
                }
            }
            System.out.printf("%-32s %12.3e %12.3f %12.3f%n", key, maxDiff, maxRatio, maxRef);
            if (maxRatio > 1) {
                failures.add(String.format("%s: max|diff| %.3e, worst at %d: ref %.6f got %.6f", key, maxDiff, worst, want[worst], have[worst]));
            }
        }
        return failures;
    }
}
