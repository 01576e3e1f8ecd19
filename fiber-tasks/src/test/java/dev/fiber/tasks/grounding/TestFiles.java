package dev.fiber.tasks.grounding;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Locates {@code src-test-data/} and {@code models/} for fiber-tasks tests (the small equivalent of
 * fiber-core's test helper {@code TestData}, which lives in that module's test sources).
 */
public final class TestFiles {

    private TestFiles() {}

    /** @return the repository root (system property {@code fiber.root}, else found upwards from the cwd) */
    public static Path root() {
        String prop = System.getProperty("fiber.root");
        if (prop != null && Files.isDirectory(Paths.get(prop, "src-test-data"))) {
            return Paths.get(prop).toAbsolutePath();
        }
        Path p = Paths.get("").toAbsolutePath();
        while (p != null) {
            if (Files.isDirectory(p.resolve("src-test-data"))) {
                return p;
            }
            p = p.getParent();
        }
        throw new IllegalStateException("cannot find src-test-data/ above " + Paths.get("").toAbsolutePath());
    }

    /**
     * @param relative path below {@code src-test-data/}
     * @return the absolute path
     */
    public static Path data(String relative) {
        return root().resolve("src-test-data").resolve(relative);
    }

    /**
     * @param relative path below {@code models/}
     * @return the absolute path
     */
    public static Path model(String relative) {
        return root().resolve("models").resolve(relative);
    }
}
