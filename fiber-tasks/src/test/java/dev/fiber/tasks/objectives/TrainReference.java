package dev.fiber.tasks.objectives;

import dev.fiber.core.TestData;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The official training reference ({@code src-test-data/train/losses_*.npz}, {@code losses_grads.json},
 * {@code train_inputs.npz}) and the gradient comparison used by the exactness tests.
 *
 * <p>Tolerance per parameter: {@code max|g - g_ref| <= GRAD_RTOL * max(1, max|g_ref|)} over the stored
 * elements, except the elements whose exact gradient is zero (attention key biases, README quirk 10),
 * which are rounding noise in both and must stay below {@link #NOISE_ATOL}. Gradient norms of the big
 * parameters: relative {@link #NORM_RTOL}.
 */
final class TrainReference {

    static final double GRAD_RTOL = 1e-4;
    static final double NOISE_ATOL = 2e-5;
    static final double NORM_RTOL = 1e-4;
    static final double LOSS_RTOL = 1e-5;

    final Map<String, NpyArray> inputs;
    final JsonObject json;

    TrainReference() throws IOException {
        inputs = Npy.readNpz(TestData.file("train/train_inputs.npz"));
        json = JsonParser.parseString(Files.readString(TestData.file("train/losses_grads.json"), StandardCharsets.UTF_8))
                .getAsJsonObject();
    }

    Map<String, NpyArray> objective(String obj) throws IOException {
        return Npy.readNpz(TestData.file("train/losses_" + obj + ".npz"));
    }

    static NDArray nd(NDManager m, NpyArray a) {
        Shape s = new Shape(a.shape());
        return a.kind() == 'f' ? m.create(a.toFloatArray(), s) : m.create(a.toLongArray(), s);
    }

    NDArray input(NDManager m, String key) {
        return nd(m, inputs.get("input." + key));
    }

    double loss(String obj) {
        return json.getAsJsonObject(obj).get("loss").getAsDouble();
    }

    Set<String> gradNone(String obj) {
        Set<String> s = new HashSet<>();
        for (JsonElement e : json.getAsJsonObject(obj).getAsJsonArray("params_with_grad_None")) {
            s.add(e.getAsString());
        }
        return s;
    }

    /** One parameter's comparison result. */
    record Stat(String name, long compared, double maxDiff, double maxRef, double noiseMax, double normRel, boolean ok) {}

    /**
     * Compares every gradient with the reference (null = grad None), asserting the None sets are equal
     * and every parameter within tolerance; prints the worst parameters.
     */
    List<Stat> checkGradients(String obj, Map<String, float[]> ours, Map<String, long[]> shapes, Map<String, NpyArray> ref) {
        Set<String> none = gradNone(obj);
        JsonObject zeroSlices = json.getAsJsonObject("grad_zero_in_exact_arithmetic");
        Set<String> oursNone = new HashSet<>();
        ours.forEach((k, v) -> {
            if (v == null) {
                oursNone.add(k);
            }
        });
        assertEquals(new java.util.TreeSet<>(none), new java.util.TreeSet<>(oursNone), obj + ": parameters without gradient differ");
        List<Stat> stats = new ArrayList<>();
        for (Map.Entry<String, float[]> e : ours.entrySet()) {
            String name = e.getKey();
            float[] g = e.getValue();
            if (none.contains(name)) {
                assertNull(g, name);
                continue;
            }
            assertNotNull(g, obj + ": " + name + " has no gradient");
            long[] shape = shapes.get(name);
            int rowLen = shape.length <= 1 ? 1 : (int) (g.length / shape[0]);
            int[] idx;
            float[] want;
            double normRel = 0;
            if (ref.containsKey(obj + ".grad." + name)) {
                want = ref.get(obj + ".grad." + name).toFloatArray();
                idx = null;
            } else {
                NpyArray rows = ref.get(obj + ".gradrows." + name);
                assertNotNull(rows, obj + ": reference has no gradient for " + name);
                want = rows.toFloatArray();
                long[] r = ref.get(obj + ".gradrows_idx." + name).toLongArray();
                idx = new int[r.length];
                for (int i = 0; i < r.length; i++) {
                    idx[i] = (int) r[i];
                }
                double refNorm = ref.get(obj + ".gradnorm." + name).toFloatArray()[0];
                double n2 = 0;
                for (float v : g) {
                    n2 += (double) v * v;
                }
                normRel = Math.abs(Math.sqrt(n2) - refNorm) / Math.max(refNorm, 1e-30);
            }
            int[] zero = null;
            if (zeroSlices.has(name)) {
                JsonArray a = zeroSlices.getAsJsonArray(name);
                zero = new int[] {a.get(0).getAsInt(), a.get(1).getAsInt()};
            }
            double maxDiff = 0;
            double maxRef = 0;
            double noise = 0;
            long n = 0;
            int rows = idx == null ? want.length / rowLen : idx.length;
            for (int r = 0; r < rows; r++) {
                int srcRow = idx == null ? r : idx[r];
                for (int c = 0; c < rowLen; c++) {
                    int flat = srcRow * rowLen + c;
                    double w = want[r * rowLen + c];
                    double d = Math.abs(g[flat] - w);
                    if (zero != null && flat >= zero[0] && flat < zero[1]) {
                        noise = Math.max(noise, Math.max(Math.abs(g[flat]), Math.abs(w)));
                        continue;
                    }
                    maxDiff = Math.max(maxDiff, d);
                    maxRef = Math.max(maxRef, Math.abs(w));
                    n++;
                }
            }
            boolean ok = maxDiff <= GRAD_RTOL * Math.max(1, maxRef) && noise <= NOISE_ATOL && normRel <= NORM_RTOL;
            stats.add(new Stat(name, n, maxDiff, maxRef, noise, normRel, ok));
        }
        report(obj, stats);
        List<String> bad = stats.stream().filter(s -> !s.ok()).map(Stat::toString).toList();
        assertTrue(bad.isEmpty(), obj + ": gradients out of tolerance:\n" + String.join("\n", bad));
        return stats;
    }

    static void report(String obj, List<Stat> stats) {
        double worstAbs = 0;
        double worstRel = 0;
        double worstScaled = 0;
        double worstNorm = 0;
        double worstNoise = 0;
        String worstRelName = "";
        long elements = 0;
        for (Stat s : stats) {
            elements += s.compared();
            worstAbs = Math.max(worstAbs, s.maxDiff());
            double scaled = s.maxDiff() / Math.max(1, s.maxRef());
            worstScaled = Math.max(worstScaled, scaled);
            if (s.maxRef() > 0 && s.maxDiff() / s.maxRef() > worstRel) {
                worstRel = s.maxDiff() / s.maxRef();
                worstRelName = s.name();
            }
            worstNorm = Math.max(worstNorm, s.normRel());
            worstNoise = Math.max(worstNoise, s.noiseMax());
        }
        System.out.printf("[%s] %d parameters with gradient, %d elements compared: max|diff| %.3e, max|diff|/max(1,max|ref|) %.3e,"
                + " worst per-parameter max|diff|/max|ref| %.3e (%s), gradnorm rel %.3e, key-bias noise %.3e%n", obj, stats.size(), elements,
                worstAbs, worstScaled, worstRel, worstRelName, worstNorm, worstNoise);
    }
}
