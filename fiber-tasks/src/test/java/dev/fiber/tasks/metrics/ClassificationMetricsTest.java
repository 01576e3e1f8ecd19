package dev.fiber.tasks.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

/** VQAScore / Accuracy / Scalar against the official my_metrics outputs (exact float32 equality). */
class ClassificationMetricsTest {

    private static JsonObject myMetrics() {
        return MetricsReference.json().getAsJsonObject("my_metrics");
    }

    @Test
    void vqaScoreMatchesOfficialBitForBit() {
        JsonObject ref = myMetrics().getAsJsonObject("VQAScore");
        VqaScore dense = new VqaScore();
        VqaScore sparse = new VqaScore();
        int u = 0;
        for (JsonElement e : ref.getAsJsonArray("updates")) {
            JsonObject up = e.getAsJsonObject();
            float[][] logits = MetricsReference.floats2d(up.getAsJsonArray("logits"));
            float[][] targets = MetricsReference.floats2d(up.getAsJsonArray("targets"));
            float batch = dense.update(logits, targets);
            JsonArray labelsJ = up.getAsJsonArray("labels");
            int[][] labels = new int[labelsJ.size()][];
            double[][] scores = new double[labelsJ.size()][];
            for (int i = 0; i < labels.length; i++) {
                JsonArray l = labelsJ.get(i).getAsJsonArray();
                labels[i] = new int[l.size()];
                scores[i] = new double[l.size()];
                for (int k = 0; k < l.size(); k++) {
                    labels[i][k] = l.get(k).getAsInt();
                    scores[i][k] = up.getAsJsonArray("scores").get(i).getAsJsonArray().get(k).getAsDouble();
                }
            }
            float batchSparse = sparse.update(logits, labels, scores);
            assertEquals(up.get("batch_value").getAsFloat(), batch, 0f, "batch value of update " + u);
            assertEquals(batch, batchSparse, 0f);
            assertEquals(up.get("cumulative_compute").getAsFloat(), dense.compute(), 0f, "compute after " + u);
            assertEquals(up.getAsJsonObject("state_after").get("score").getAsFloat(), dense.scoreSum(), 0f);
            assertEquals(up.getAsJsonObject("state_after").get("total").getAsFloat(), dense.total(), 0f);
            u++;
        }
        assertEquals(ref.get("final_compute").getAsFloat(), dense.compute(), 0f);
        assertEquals(ref.get("final_compute").getAsFloat(), sparse.compute(), 0f);
        System.out.println("VQAScore: " + u + " official updates reproduced bit for bit, final " + dense.compute());
        dense.reset();
        assertTrue(Float.isNaN(dense.compute()));
        assertThrows(IllegalArgumentException.class, () -> sparse.update(new float[][] {{1f, 2f}},
                new int[][] {{2}}, new double[][] {{1.0}}));
    }

    @Test
    void accuracyMatchesOfficialIncludingIgnoredAndEmptyBatches() {
        JsonObject ref = myMetrics().getAsJsonObject("Accuracy");
        Accuracy acc = new Accuracy();
        int u = 0;
        for (JsonElement e : ref.getAsJsonArray("updates")) {
            JsonObject up = e.getAsJsonObject();
            Flat logits = flatten(up.get("logits"));
            Flat target = flatten(up.get("target"));
            long[] t = new long[target.values.length];
            for (int i = 0; i < t.length; i++) {
                t[i] = (long) target.values[i];
            }
            float batch = acc.update(logits.values, logits.lastDim, t);
            if (up.get("batch_value_is_nan").getAsBoolean()) {
                assertTrue(Float.isNaN(batch), "update " + u + " has no counted position");
            } else {
                assertEquals(up.get("batch_value").getAsFloat(), batch, 0f, "batch value of update " + u);
            }
            assertEquals(up.get("cumulative_compute").getAsFloat(), acc.compute(), 0f, "compute after " + u);
            assertEquals(up.getAsJsonObject("state_after").get("correct").getAsFloat(), acc.correct(), 0f);
            assertEquals(up.getAsJsonObject("state_after").get("total").getAsFloat(), acc.total(), 0f);
            u++;
        }
        assertEquals(ref.get("final_compute").getAsFloat(), acc.compute(), 0f);
        System.out.println("Accuracy: " + u + " official updates (2-D, 3-D, all ignored) reproduced bit for bit");
        assertThrows(IllegalArgumentException.class, () -> acc.update(new float[] {1, 2}, 2, new long[] {5}));
        assertThrows(IllegalArgumentException.class, () -> acc.update(new float[] {1, 2, 3}, 2, new long[] {1}));
        assertEquals(1f, new Accuracy().update(new float[][] {{0f, 1f}, {2f, 2f}}, new long[] {1, 0}), 0f,
                "ties pick the first maximum");
    }

    @Test
    void scalarMatchesOfficial() {
        JsonObject ref = myMetrics().getAsJsonObject("Scalar");
        Scalar s = new Scalar();
        for (JsonElement v : ref.getAsJsonArray("values")) {
            s.update(v.getAsDouble());
        }
        assertEquals(ref.get("compute").getAsFloat(), s.compute(), 0f);
        assertEquals(3f, s.total());
        s.reset();
        assertTrue(Float.isNaN(s.compute()));
    }

    private record Flat(float[] values, int lastDim) {}

    private static Flat flatten(JsonElement e) {
        java.util.List<Float> out = new java.util.ArrayList<>();
        int[] last = {1};
        walk(e, out, last);
        float[] v = new float[out.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = out.get(i);
        }
        return new Flat(v, last[0]);
    }

    private static void walk(JsonElement e, java.util.List<Float> out, int[] last) {
        if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            if (a.size() > 0 && !a.get(0).isJsonArray()) {
                last[0] = a.size();
            }
            a.forEach(x -> walk(x, out, last));
        } else {
            out.add(e.getAsFloat());
        }
    }
}
