package dev.fiber.tasks.grounding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fiber.tasks.grounding.nn.Container;
import dev.fiber.tasks.grounding.nn.LayerNorm;
import dev.fiber.tasks.grounding.nn.Linear;
import dev.fiber.tasks.grounding.nn.LoadReport;
import dev.fiber.tasks.grounding.nn.StateDictLoader;
import dev.fiber.tasks.grounding.weights.WeightSource;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Key matching of the state-dict walker (the official loader's rules). */
class StateDictLoaderTest {

    /** A map-backed state dict: key to shape, values filled with a per-key constant. */
    private static final class MapSource implements WeightSource {
        private final Map<String, long[]> shapes = new LinkedHashMap<>();
        private final Map<String, Float> fill = new LinkedHashMap<>();

        MapSource put(String key, float value, long... shape) {
            shapes.put(key, shape);
            fill.put(key, value);
            return this;
        }

        @Override
        public Set<String> keys() {
            return shapes.keySet();
        }

        @Override
        public long[] shape(String key) {
            return shapes.get(key);
        }

        @Override
        public NDArray load(String key, NDManager manager) {
            return manager.full(new Shape(shapes.get(key)), fill.get(key));
        }

        @Override
        public String describe() {
            return "map";
        }

        @Override
        public void close() {
            // nothing
        }
    }

    private static Container model() {
        Container root = new Container();
        Container body = root.add("body", new Container());
        body.add("fc", new Linear(2, 3, true));
        body.add("norm", new LayerNorm(3, 1e-5f));
        return root;
    }

    @Test
    void ddpPrefixExactAndSuffixMatches() throws Exception {
        Container root = model();
        MapSource src = new MapSource()
                .put("module.body.fc.weight", 1f, 3, 2)
                .put("module.fc.bias", 2f, 3) // suffix of body.fc.bias
                .put("module.norm.weight", 3f, 3)
                .put("module.body.norm.weight", 4f, 3) // longer suffix wins over norm.weight
                .put("module.text_transformer.body.norm.bias", 5f, 3) // substring deleted
                .put("module.extra", 6f, 1);
        try (NDManager m = NDManager.newBaseManager()) {
            LoadReport r = StateDictLoader.load(root, src, m);
            assertEquals(List.of("body.fc.weight", "body.fc.bias", "body.norm.weight", "body.norm.bias"), r.loaded());
            assertEquals(List.of("norm.weight", "extra"), r.unused());
            Map<String, ai.djl.nn.Parameter> p = StateDictLoader.parameters(root);
            assertArrayEquals(new float[] {2, 2, 2}, p.get("body.fc.bias").getArray().toFloatArray());
            assertArrayEquals(new float[] {4, 4, 4}, p.get("body.norm.weight").getArray().toFloatArray());
            assertArrayEquals(new float[] {5, 5, 5}, p.get("body.norm.bias").getArray().toFloatArray());
        }
    }

    @Test
    void reportsMissingAndMismatchedShapes() throws Exception {
        Container root = model();
        MapSource src = new MapSource()
                .put("body.fc.weight", 1f, 2, 3) // transposed: mismatch
                .put("body.norm.weight", 1f, 3)
                .put("body.norm.bias", 1f, 3);
        try (NDManager m = NDManager.newBaseManager()) {
            LoadReport r = StateDictLoader.load(root, src, m);
            assertFalse(r.complete());
            assertEquals(List.of("body.fc.bias"), r.missing());
            assertEquals(1, r.mismatched().size());
            assertEquals("body.fc.weight: model (3, 2) vs checkpoint (2, 3)", r.mismatched().get(0));
        }
    }
}
