package dev.fiber.tasks.grounding.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.fiber.tasks.grounding.weights.WeightSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads a state dict into a tree of {@link StateBlock}s by official parameter names, with the key
 * matching of maskrcnn-benchmark's {@code load_state_dict} / {@code align_and_update_state_dicts}:
 *
 * <ol>
 *   <li>if every checkpoint key starts with {@code module.} (a DDP dump), the prefix is stripped, and the
 *       substrings {@code text_transformer.} and {@code vit_model.} are deleted from every key;
 *   <li>each model key takes the <em>longest checkpoint key that is a suffix of it</em> (exact match
 *       being the longest possible);
 *   <li>unlike the official loader, which silently keeps the initial value when shapes differ, a shape
 *       mismatch is reported (and the parameter is left unloaded).
 * </ol>
 */
public final class StateDictLoader {

    private static final String DDP_PREFIX = "module.";

    private StateDictLoader() {}

    /**
     * Lists every parameter of a tree under its full dotted name.
     *
     * @param root the root block
     * @return full dotted name to parameter, in declaration order
     */
    public static Map<String, Parameter> parameters(StateBlock root) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect(root, "", out, new LinkedHashMap<>());
        return out;
    }

    /**
     * Loads all parameters of {@code root}.
     *
     * @param root the model
     * @param source the checkpoint tensors
     * @param manager owner of the loaded arrays
     * @return what was loaded, missing, mismatched and unused
     * @throws IOException if a tensor cannot be read
     */
    public static LoadReport load(StateBlock root, WeightSource source, NDManager manager) throws IOException {
        Map<String, Parameter> params = new LinkedHashMap<>();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        collect(root, "", params, shapes);
        Map<String, String> stripped = normalizedKeys(source.keys());
        List<String> loaded = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        Set<String> used = new LinkedHashSet<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            String key = e.getKey();
            String match = longestSuffix(key, stripped.keySet());
            if (match == null) {
                missing.add(key);
                continue;
            }
            used.add(match);
            String original = stripped.get(match);
            Shape want = shapes.get(key);
            Shape have = new Shape(source.shape(original));
            if (!want.equals(have)) {
                mismatched.add(key + ": model " + want + " vs checkpoint " + have);
                continue;
            }
            NDArray value = source.load(original, manager);
            Parameter p = e.getValue();
            if (p.isInitialized()) {
                p.getArray().close();
            }
            p.setArray(value);
            loaded.add(key);
        }
        List<String> unused = new ArrayList<>();
        for (String k : stripped.keySet()) {
            if (!used.contains(k)) {
                unused.add(k);
            }
        }
        return new LoadReport(loaded, missing, mismatched, unused);
    }

    /**
     * The checkpoint keys as the official loader sees them: {@code module.} stripped if every key has it,
     * then {@code text_transformer.} and {@code vit_model.} deleted (a later key wins a collision).
     *
     * @param keys checkpoint keys as stored
     * @return normalised key to stored key, in checkpoint order
     */
    public static Map<String, String> normalizedKeys(Set<String> keys) {
        boolean all = !keys.isEmpty() && keys.stream().allMatch(k -> k.startsWith(DDP_PREFIX));
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : keys) {
            String n = all ? k.substring(DDP_PREFIX.length()) : k;
            out.put(n.replace("text_transformer.", "").replace("vit_model.", ""), k);
        }
        return out;
    }

    private static String longestSuffix(String modelKey, Set<String> loaded) {
        if (loaded.contains(modelKey)) {
            return modelKey;
        }
        String best = null;
        for (String k : loaded) {
            if (modelKey.endsWith(k) && (best == null || k.length() > best.length())) {
                best = k;
            }
        }
        return best;
    }

    private static void collect(Block block, String prefix, Map<String, Parameter> params, Map<String, Shape> shapes) {
        if (!(block instanceof StateBlock sb)) {
            throw new IllegalArgumentException("block at '" + prefix + "' (" + block.getClass().getName()
                    + ") is not a StateBlock, its parameters have no official names");
        }
        for (Map.Entry<String, Parameter> e : sb.namedParameters().entrySet()) {
            params.put(prefix + e.getKey(), e.getValue());
            shapes.put(prefix + e.getKey(), sb.expectedShape(e.getKey()));
        }
        for (Map.Entry<String, Block> e : sb.namedChildren().entrySet()) {
            collect(e.getValue(), prefix + e.getKey() + ".", params, shapes);
        }
    }
}
