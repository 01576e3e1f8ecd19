package dev.fiber.core.model;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import dev.fiber.core.TestData;
import dev.fiber.core.model.load.LoadOptions;
import dev.fiber.core.model.load.CheckpointWeightSource;
import dev.fiber.core.model.load.WeightSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Loads the tiny reference FIBER model of {@code src-test-data/coarse/} for tests. */
public final class TinyWeights {

    private TinyWeights() {}

    /** @return the official config dict of the tiny checkpoint */
    public static Map<String, Object> tinyConfigDict() throws IOException {
        try (InputStream in = TinyWeights.class.getResourceAsStream("tiny_config.json")) {
            return new Gson().fromJson(new InputStreamReader(in, StandardCharsets.UTF_8), new TypeToken<LinkedHashMap<String, Object>>() {}.getType());
        }
    }

    /** @return {@link #tinyConfigDict()} with I/O errors as unchecked exceptions */
    public static Map<String, Object> tinyConfigDictUnchecked() {
        try {
            return tinyConfigDict();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** @return the tiny checkpoint's tensors */
    public static WeightSource open() throws IOException {
        return CheckpointWeightSource.openTorch(checkpoint());
    }

    /** @return the tiny Lightning checkpoint */
    public static Path checkpoint() {
        return TestData.file("coarse/tiny.ckpt");
    }

    /** @return the tiny model loaded with the given options */
    public static FiberModel load(LoadOptions options) throws IOException {
        try (WeightSource src = open()) {
            return FiberModel.load(src, options);
        }
    }

    /** @return the reference cases npz */
    public static Path cases() {
        return TestData.file("coarse/tiny_cases.npz");
    }
}
