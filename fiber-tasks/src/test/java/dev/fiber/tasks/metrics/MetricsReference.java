package dev.fiber.tasks.metrics;

import dev.fiber.core.TestData;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/** Loads {@code src-test-data/train/metrics.json} (official FIBER metric outputs) and converts its arrays. */
final class MetricsReference {

    private static JsonObject cached;

    private MetricsReference() {}

    static synchronized JsonObject json() {
        if (cached == null) {
            try {
                cached = JsonParser.parseString(Files.readString(TestData.file("train/metrics.json")))
                        .getAsJsonObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return cached;
    }

    static float[][] floats2d(JsonArray a) {
        float[][] out = new float[a.size()][];
        for (int i = 0; i < a.size(); i++) {
            JsonArray row = a.get(i).getAsJsonArray();
            out[i] = new float[row.size()];
            for (int j = 0; j < row.size(); j++) {
                out[i][j] = row.get(j).getAsFloat();
            }
        }
        return out;
    }

    static List<String> strings(JsonArray a) {
        List<String> out = new ArrayList<>();
        a.forEach(e -> out.add(e.getAsString()));
        return out;
    }

    static List<List<String>> strings2d(JsonArray a) {
        List<List<String>> out = new ArrayList<>();
        a.forEach(e -> out.add(strings(e.getAsJsonArray())));
        return out;
    }

    static double[] doubles(JsonArray a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsDouble();
        }
        return out;
    }
}
