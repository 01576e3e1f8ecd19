package dev.fiber.core.model.load;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/** A {@link WeightSource} decorator for tests: drops, adds or edits tensors of another source. */
final class EditedWeights implements WeightSource {

    private final WeightSource base;
    private final LinkedHashMap<String, long[]> shapes;
    private final Map<String, float[]> extraFloats = new LinkedHashMap<>();
    private final Map<String, long[]> extraLongs = new LinkedHashMap<>();

    EditedWeights(WeightSource base) {
        this.base = base;
        this.shapes = base.shapes();
    }

    EditedWeights drop(String key) {
        shapes.remove(key);
        return this;
    }

    EditedWeights addFloats(String key, float[] values, long... shape) {
        shapes.put(key, shape);
        extraFloats.put(key, values);
        return this;
    }

    EditedWeights addLongs(String key, long[] values, long... shape) {
        shapes.put(key, shape);
        extraLongs.put(key, values);
        return this;
    }

    EditedWeights editFloats(String key, UnaryOperator<float[]> edit) throws IOException {
        extraFloats.put(key, edit.apply(base.readFloats(key).clone()));
        return this;
    }

    @Override
    public Map<String, Object> config() {
        return base.config();
    }

    @Override
    public LinkedHashMap<String, long[]> shapes() {
        return new LinkedHashMap<>(shapes);
    }

    @Override
    public boolean isFloating(String key) {
        if (extraFloats.containsKey(key)) {
            return true;
        }
        if (extraLongs.containsKey(key)) {
            return false;
        }
        return base.isFloating(key);
    }

    @Override
    public float[] readFloats(String key) throws IOException {
        return extraFloats.containsKey(key) ? extraFloats.get(key) : base.readFloats(key);
    }

    @Override
    public long[] readLongs(String key) throws IOException {
        return extraLongs.containsKey(key) ? extraLongs.get(key) : base.readLongs(key);
    }

    @Override
    public String describe() {
        return "edited " + base.describe();
    }

    @Override
    public void close() {
        base.close();
    }
}
