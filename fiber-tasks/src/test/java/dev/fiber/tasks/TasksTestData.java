package dev.fiber.tasks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Locates the repository's {@code src-test-data/} and {@code models/} folders from fiber-tasks' tests
 * (system property {@code fiber.root}, else the first directory above the working directory that holds
 * {@code src-test-data/}); the fiber-tasks twin of fiber-core's test helper {@code TestData}.
 */
public final class TasksTestData {

    private TasksTestData() {}

    /** @return the repository root */
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
    public static Path file(String relative) {
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
