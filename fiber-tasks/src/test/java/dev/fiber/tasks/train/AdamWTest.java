package dev.fiber.tasks.train;

import dev.fiber.core.TestData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The transformers-4.6.0 AdamW rule against the official optimizer-only unit case (3 steps, 2 groups). */
class AdamWTest {

    private static final double RTOL = 1e-6;

    @Test
    void unitCaseMatchesOfficialTransformersAdamW() throws Exception {
        Map<String, NpyArray> z = Npy.readNpz(TestData.file("train/adamw_unit.npz"));
        JsonObject unit = JsonParser.parseString(Files.readString(TestData.file("train/optim_step.json")))
                .getAsJsonObject().getAsJsonObject("adamw_unit_case");
        JsonArray lrs = unit.getAsJsonArray("group_lrs_per_step");
        double wdA = unit.getAsJsonArray("groups").get(0).getAsJsonObject().get("weight_decay").getAsDouble();
        double wdB = unit.getAsJsonArray("groups").get(1).getAsJsonObject().get("weight_decay").getAsDouble();
        AdamW.Hyper hyper = new AdamW.Hyper(0.9, 0.98, 1e-8, true);
        assertEquals(AdamW.Hyper.FIBER, hyper);

        float[] a = z.get("unit.A.init").toFloatArray();
        float[] b = z.get("unit.B.init").toFloatArray();
        AdamW.State sa = new AdamW.State(a.length);
        AdamW.State sb = new AdamW.State(b.length);
        double worst = 0;
        int bitExact = 0;
        int compared = 0;
        for (int step = 1; step <= 3; step++) {
            double lrA = lrs.get(step - 1).getAsJsonArray().get(0).getAsDouble();
            double lrB = lrs.get(step - 1).getAsJsonArray().get(1).getAsDouble();
            float[] ga = z.get("unit.A.grad_step" + step).toFloatArray();
            NpyArray gbArr = z.get("unit.B.grad_step" + step);
            float[] gb = gbArr == null ? null : gbArr.toFloatArray();
            assertTrue(AdamW.step(a, ga, sa, lrA, wdA, hyper));
            assertEquals(step != 2, AdamW.step(b, gb, sb, lrB, wdB, hyper), "B has no gradient at step 2");
            for (String[] pair : new String[][] {{"A", "after_step"}, {"A", "exp_avg_step"}, {"A", "exp_avg_sq_step"},
                    {"B", "after_step"}, {"B", "exp_avg_step"}, {"B", "exp_avg_sq_step"}}) {
                float[] expected = z.get("unit." + pair[0] + "." + pair[1] + step).toFloatArray();
                AdamW.State s = pair[0].equals("A") ? sa : sb;
                float[] actual = switch (pair[1]) {
                    case "after_step" -> pair[0].equals("A") ? a : b;
                    case "exp_avg_step" -> s.expAvg();
                    default -> s.expAvgSq();
                };
                for (int i = 0; i < expected.length; i++) {
                    double err = Math.abs(actual[i] - expected[i]);
                    double rel = err / Math.max(Math.abs(expected[i]), 1e-30);
                    if (expected[i] == 0) {
                        rel = err;
                    }
                    worst = Math.max(worst, rel);
                    bitExact += actual[i] == expected[i] ? 1 : 0;
                    compared++;
                    assertTrue(rel <= RTOL, "unit." + pair[0] + "." + pair[1] + step + "[" + i + "]: " + actual[i]
                            + " vs " + expected[i]);
                }
            }
        }
        assertEquals(3, sa.step());
        assertEquals(2, sb.step());
        System.out.printf("AdamW unit case: %d values, max rel err %.3g, %d bit-identical%n", compared, worst, bitExact);
    }

    @Test
    void skipsMissingGradientsAndChecksSizes() {
        float[] p = {1f, 2f};
        AdamW.State s = new AdamW.State(2);
        assertFalse(AdamW.step(p, null, s, 1e-3, 0.01, AdamW.Hyper.FIBER));
        assertEquals(1f, p[0]);
        assertEquals(0, s.step());
        assertThrows(IllegalArgumentException.class,
                () -> AdamW.step(p, new float[3], s, 1e-3, 0.01, AdamW.Hyper.FIBER));
        assertThrows(IllegalArgumentException.class, () -> new AdamW.Hyper(1.0, 0.98, 1e-8, true));
        // weight decay after the update, on the updated value, with the plain group lr
        float[] q = {1f};
        AdamW.step(q, new float[] {0f}, new AdamW.State(1), 0.1, 0.5, AdamW.Hyper.FIBER);
        assertEquals(0.95f, q[0], 0f);
    }
}
