package dev.fiber.tasks.common;

import dev.fiber.core.TestData;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test helpers around the tiny reference checkpoint ({@code src-test-data/coarse/}). */
public final class TinyTasks {

    /** Element tolerance |diff| <= ATOL + RTOL*|ref| of the reference README. */
    public static final double ATOL = 1e-4;
    /** Relative part of the tolerance. */
    public static final double RTOL = 1e-4;

    private TinyTasks() {}

    /** @return the tiny Lightning checkpoint */
    public static Path checkpoint() {
        return TestData.file("coarse/tiny.ckpt");
    }

    /** @return the reference cases */
    public static Map<String, NpyArray> cases() throws IOException {
        return Npy.readNpz(TestData.file("coarse/tiny_cases.npz"));
    }

    /**
     * @param name file name under {@code coarse/images}
     * @return its path
     */
    public static Path image(String name) {
        return TestData.file("coarse/images/" + name);
    }

    /** @return the two reference texts of {@code tiny_cases_meta.json} */
    public static List<String> texts() {
        return List.of("a man riding a horse on a sandy beach.",
                "Two dogs are playing with a red frisbee in the park, while a small crowd watches them.");
    }

    /**
     * @param task task
     * @return the tiny model loaded for it on the CPU
     */
    public static FiberTaskModel load(FiberTask task) throws Exception {
        FiberTaskModel m = new FiberTaskModel("tiny-" + task.artifactId(), task, Device.cpu());
        m.load(checkpoint(), null, Map.of());
        return m;
    }

    /**
     * Writes a synthetic answer list of the tiny model's 3129 classes ("answer 0", "answer 1", ...).
     *
     * @param dir folder
     * @return the file
     */
    public static Path vocabulary(Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3129; i++) {
            lines.add("answer " + i);
        }
        Path f = dir.resolve("answers.txt");
        Files.write(f, lines);
        return f;
    }

    /**
     * Writes a copy of the tiny checkpoint as a retrieval-only model (safetensors with a config whose
     * {@code loss_names} are itm, itc, mlm; no VQA / NLVR2 / captioning tensors), like the official
     * retrieval checkpoints.
     *
     * @param dir folder
     * @return the file
     */
    @SuppressWarnings("unchecked")
    public static Path retrievalOnlyCheckpoint(Path dir) throws IOException {
        Path out = dir.resolve("tiny_retrieval.safetensors");
        try (dev.fiber.core.checkpoint.TorchCheckpoint ck = dev.fiber.core.checkpoint.TorchCheckpoint.open(checkpoint())) {
            java.util.LinkedHashMap<String, dev.fiber.core.checkpoint.SafeTensors.Entry> t = new java.util.LinkedHashMap<>();
            for (var e : ck.stateDict().entrySet()) {
                String k = e.getKey();
                if (k.startsWith("vqa_classifier.") || k.startsWith("nlvr2_classifier.") || k.startsWith("cross_modal_att_layers.")) {
                    continue;
                }
                t.put(k, dev.fiber.core.checkpoint.SafeTensors.Entry.of(e.getValue()));
            }
            Map<String, Object> cfg = new java.util.LinkedHashMap<>((Map<String, Object>) ck.hyperParameters().get("config"));
            cfg.put("loss_names", Map.of("itm", 1, "itc", 1, "mlm", 1, "vqa", 0, "nlvr2", 0, "caption_mle", 0));
            dev.fiber.core.checkpoint.SafeTensors.write(out, t, Map.of("config", new com.google.gson.Gson().toJson(cfg)));
        }
        return out;
    }

    /**
     * Asserts elementwise closeness to a reference and returns the worst ratio diff / tolerance.
     *
     * @param what name
     * @param want reference values
     * @param got values
     * @return max ratio (must be <= 1)
     */
    public static double check(String what, float[] want, float[] got) {
        if (want.length != got.length) {
            throw new AssertionError(what + ": " + got.length + " values, expected " + want.length);
        }
        double worst = 0;
        double maxDiff = 0;
        for (int i = 0; i < want.length; i++) {
            double d = Math.abs((double) want[i] - got[i]);
            maxDiff = Math.max(maxDiff, d);
            worst = Math.max(worst, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d / (ATOL + RTOL * Math.abs(want[i])));
        }
        System.out.printf("%-44s max|diff| %.3e  (%.3f of tolerance)%n", what, maxDiff, worst);
        if (worst > 1) {
            throw new AssertionError(what + ": max|diff| " + maxDiff + " exceeds 1e-4 + 1e-4|ref|");
        }
        return worst;
    }

    /**
     * @param a an array
     * @param row row index of the first axis
     * @return that row's values
     */
    public static float[] row(NDArray a, int row) {
        return a.get(row).toFloatArray();
    }

    /**
     * @param ref reference array
     * @param row row of the first axis
     * @return its values
     */
    public static float[] row(NpyArray ref, int row) {
        float[] all = ref.toFloatArray();
        int n = all.length / (int) ref.shape()[0];
        float[] out = new float[n];
        System.arraycopy(all, row * n, out, 0, n);
        return out;
    }
}
