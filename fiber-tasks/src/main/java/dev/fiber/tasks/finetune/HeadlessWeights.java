package dev.fiber.tasks.finetune;

import dev.fiber.core.model.load.WeightSource;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint seen without its task classifiers ({@code vqa_classifier.*}, {@code nlvr2_classifier.*}).
 * The official {@code FIBERTransformerSS} loads the pre-trained state dict <em>before</em> it creates these
 * two heads, so fine-tuning always starts them from the {@code init_weights} initialisation, even when the
 * checkpoint has (differently sized) ones; the ITM, MLM and ITC modules, created before loading, are loaded.
 */
final class HeadlessWeights implements WeightSource {

    /** State-dict prefixes of the heads the official constructor creates after loading. */
    static final List<String> FRESH_HEADS = List.of("vqa_classifier.", "nlvr2_classifier.");

    private final WeightSource inner;

    HeadlessWeights(WeightSource inner) {
        this.inner = inner;
    }

    static boolean dropped(String key) {
        for (String p : FRESH_HEADS) {
            if (key.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Map<String, Object> config() {
        return inner.config();
    }

    @Override
    public LinkedHashMap<String, long[]> shapes() {
        LinkedHashMap<String, long[]> out = new LinkedHashMap<>();
        inner.shapes().forEach((k, v) -> {
            if (!dropped(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    @Override
    public boolean isFloating(String key) {
        return inner.isFloating(key);
    }

    @Override
    public float[] readFloats(String key) throws IOException {
        return inner.readFloats(key);
    }

    @Override
    public long[] readLongs(String key) throws IOException {
        return inner.readLongs(key);
    }

    @Override
    public String describe() {
        return inner.describe() + " (without task classifiers)";
    }

    @Override
    public void close() {
        inner.close();
    }
}
