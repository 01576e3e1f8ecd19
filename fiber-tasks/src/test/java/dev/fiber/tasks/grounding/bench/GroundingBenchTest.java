package dev.fiber.tasks.grounding.bench;

import dev.fiber.core.TestData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fiber.tasks.grounding.FiberGroundingModel;
import dev.fiber.tasks.grounding.GroundingConfig;
import dev.fiber.tasks.grounding.GroundingSpec;
import dev.fiber.tasks.grounding.YacsConfig;
import dev.fiber.tasks.grounding.nn.LoadReport;
import dev.fiber.tasks.grounding.nn.StateDictLoader;
import dev.fiber.tasks.grounding.post.LabelTokens;
import dev.fiber.tasks.grounding.weights.WeightSource;
import dev.fiber.tasks.grounding.weights.WeightSources;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The benchmark's accounting: hand-counted multiply-adds, stage names, and a clocked pass of the tiny model. */
class GroundingBenchTest {

    private static GroundingSpec tinySpec() throws Exception {
        GroundingConfig config = GroundingConfig.fromYacs(YacsConfig.read(TestData.file("fine/tiny_fine_config.yaml")), 4);
        try (WeightSource w = WeightSources.open(TestData.file("fine/tiny_fine.pth"), "model")) {
            return GroundingSpec.infer(w, config);
        }
    }

    @Test
    void multiplyAddsByHandForTheTinyModel() throws Exception {
        // tiny model on its 128x160 input: patch map 32x40, C = 16, window 12 (padded 36x48), MLP 64
        Map<String, Double> macs = FlopCount.macs(tinySpec(), 128, 160, 256);
        assertEquals(32.0 * 40 * 16 * 48, macs.get(StageClock.PATCH_EMBED));
        double block = 1728.0 * 16 * 48 + 2 * 1728.0 * 144 * 16 + 1728.0 * 16 * 16 + 2 * 1280.0 * 16 * 64;
        assertEquals(2 * block, macs.get(StageClock.swinStage(0, false)));
        // FPN: laterals and 3x3 outputs at 16x20 (32 ch in), 8x10 (64), 4x5 (128); P6 2x3, P7 1x2
        assertEquals(4_517_888.0, macs.get(StageClock.FPN));
        // DyConv 0 at P3 (16x20, 32 ch): offsets, conv1, conv0 at P4 (8x10) and the two resize products
        assertEquals(320.0 * 32 * 9 * 27 + 320.0 * 32 * 9 * 32 + 80.0 * 32 * 9 * 32 + 32.0 * 10 * 8 * 16
                + 32.0 * 16 * 10 * 20, macs.get(StageClock.dyConv(0, 0)));
        // 6 text-only layers of 256 tokens, width 32, FFN 64
        assertEquals(6 * (4 * 256.0 * 32 * 32 + 2 * 256.0 * 256 * 32 + 2 * 256.0 * 32 * 64),
                macs.get(StageClock.TEXT_ALONE));
        assertTrue(macs.get(StageClock.TEXT_FUSED) > 0 && macs.get(StageClock.swinStage(2, true)) > 0);
    }

    @Test
    void fiberBCountIsAboutOneTeraflop() {
        double total = FlopCount.macs(GroundingBench.fiberBSpec(), 800, 1344, 256).values().stream()
                .mapToDouble(Double::doubleValue).sum();
        System.out.printf("FIBER-B 800x1344: %.1f GMAC%n", total / 1e9);
        assertTrue(total > 5.5e11 && total < 6.5e11, "FIBER-B multiply-adds " + total);
    }

    @Test
    void stageNames() throws Exception {
        StageClock c = new StageClock(tinySpec());
        assertEquals(StageClock.swinStage(2, false), c.stageOf("swin.stage3.block13"));
        assertEquals(StageClock.swinStage(2, true), c.stageOf("swin.stage3.block14"));
        assertEquals(StageClock.swinStage(3, true), c.stageOf("swin.stage4.block01"));
        assertEquals(StageClock.TEXT_ALONE, c.stageOf("text.layer05"));
        assertEquals(StageClock.TEXT_FUSED, c.stageOf("text.layer06"));
        assertEquals(StageClock.dyConv(5, 4), c.stageOf("head.tower5.l4"));
        assertEquals(StageClock.PATCH_MERGING, c.stageOf("swin.stage2.downsample"));
        assertEquals(StageClock.FPN, c.stageOf("fpn.p7"));
        assertEquals(StageClock.HEAD_OUTPUTS, c.stageOf("head.dot_product_logits.l2"));
    }

    @Test
    void clockedPassBooksEveryCountedStage() throws Exception {
        GroundingSpec spec = tinySpec();
        GroundingConfig config = GroundingConfig.fromYacs(YacsConfig.read(TestData.file("fine/tiny_fine_config.yaml")), 4);
        FiberGroundingModel model = new FiberGroundingModel(spec, config);
        try (NDManager m = NDManager.newBaseManager(); SyntheticWeights w = new SyntheticWeights(model, 12)) {
            LoadReport r = StateDictLoader.load(model, w, m);
            assertTrue(r.complete(), r.toString());
            long[] ids = new long[256];
            java.util.Arrays.fill(ids, 1);
            long[] caption = {0, 10, 1275, 4758, 4, 2};
            System.arraycopy(caption, 0, ids, 0, caption.length);
            long[] mask = new long[256];
            java.util.Arrays.fill(mask, 0, caption.length, 1);
            StageClock clock = new StageClock(spec);
            NDArray pixels = m.randomNormal(new Shape(1, 3, 128, 160));
            model.predict(pixels, m.create(ids, new Shape(1, 256)), m.create(mask, new Shape(1, 256)), 120, 160,
                    LabelTokens.of(List.of(1L), List.of(new int[] {1, 2, 3})), clock);
            clock.finish();
            Set<String> expected = new HashSet<>(FlopCount.macs(spec, 128, 160, 256).keySet());
            expected.add(StageClock.POST);
            Set<String> booked = new HashSet<>(clock.millis().keySet());
            booked.remove(StageClock.swinStage(3, false)); // only the stage-4 output norm: no counted work
            assertEquals(expected, booked);
            assertTrue(clock.millis().values().stream().allMatch(v -> v >= 0));
        }
    }
}
