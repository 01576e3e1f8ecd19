package dev.fiber.core.model;

import dev.fiber.core.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;

/** Reads {@code src-test-data/coarse/state_dict_keys.txt} (key, shape, dtype per line). */
public final class StateDictKeys {

    private StateDictKeys() {}

    /**
     * @return key -> shape of the tiny checkpoint, in checkpoint order
     * @throws IOException if the file cannot be read
     */
    public static LinkedHashMap<String, long[]> tinyShapes() throws IOException {
        LinkedHashMap<String, long[]> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(TestData.file("coarse/state_dict_keys.txt"))) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t");
            String dims = f[1].replace("[", "").replace("]", "").trim();
            long[] shape = dims.isEmpty() ? new long[0] : java.util.Arrays.stream(dims.split(",")).map(String::trim).mapToLong(Long::parseLong).toArray();
            out.put(f[0], shape);
        }
        return out;
    }
}
