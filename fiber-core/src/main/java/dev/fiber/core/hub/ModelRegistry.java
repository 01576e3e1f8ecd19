package dev.fiber.core.hub;

import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The known FIBER checkpoints: the {@link ModelDescriptor}s of the repository's {@code models/*.json}
 * (copied into fiber-core's jar under {@code dev/fiber/core/hub/models/}), optionally extended or
 * overridden by the {@code *.json} files of a directory.
 */
public final class ModelRegistry {

    /** Classpath folder holding the built-in descriptors. */
    public static final String RESOURCE_DIR = "dev/fiber/core/hub/models/";

    private final Map<String, ModelDescriptor> models;

    private ModelRegistry(Map<String, ModelDescriptor> models) {
        this.models = Collections.unmodifiableMap(new TreeMap<>(models));
    }

    /**
     * @param descriptors descriptors (names must be distinct)
     * @return a registry of them
     */
    public static ModelRegistry of(List<ModelDescriptor> descriptors) {
        Map<String, ModelDescriptor> m = new TreeMap<>();
        for (ModelDescriptor d : descriptors) {
            if (m.put(d.name(), d) != null) {
                throw new IllegalArgumentException("two model descriptors are named " + d.name());
            }
        }
        return new ModelRegistry(m);
    }

    /**
     * @return the built-in descriptors
     * @throws UncheckedIOException if a packaged descriptor cannot be read (a build problem)
     */
    public static ModelRegistry builtin() {
        try {
            return of(readClasspath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the packaged model descriptors", e);
        }
    }

    /**
     * @param dir a directory of {@code *.json} descriptors
     * @return a registry of those descriptors only
     * @throws IOException if a file cannot be read or is not a valid descriptor (the message names it)
     */
    public static ModelRegistry fromDirectory(Path dir) throws IOException {
        List<ModelDescriptor> list = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                list.add(parse(f.toString(), Files.readString(f, StandardCharsets.UTF_8)));
            }
        }
        return of(list);
    }

    /**
     * @param other descriptors that replace same-named ones of this registry or are added
     * @return the merged registry
     */
    public ModelRegistry with(ModelRegistry other) {
        Map<String, ModelDescriptor> m = new TreeMap<>(models);
        m.putAll(other.models);
        return new ModelRegistry(m);
    }

    /** @return all descriptors, sorted by name */
    public List<ModelDescriptor> list() {
        return List.copyOf(models.values());
    }

    /**
     * @param name a model name
     * @return its descriptor, if known
     */
    public Optional<ModelDescriptor> find(String name) {
        return Optional.ofNullable(models.get(name));
    }

    /**
     * @param name a model name
     * @return its descriptor
     * @throws IllegalArgumentException listing the known names if it is unknown
     */
    public ModelDescriptor get(String name) {
        ModelDescriptor d = models.get(name);
        if (d == null) {
            throw new IllegalArgumentException("unknown model \"" + name + "\"; known models: "
                    + String.join(", ", models.keySet()));
        }
        return d;
    }

    /** @return the known names, sorted */
    public List<String> names() {
        return List.copyOf(models.keySet());
    }

    private static ModelDescriptor parse(String source, String text) throws IOException {
        try {
            return ModelDescriptor.fromJson(JsonParser.parseString(text).getAsJsonObject());
        } catch (JsonParseException | IllegalStateException | IllegalArgumentException
                | UnsupportedOperationException e) {
            throw new IOException(source + ": not a valid model descriptor: " + e.getMessage(), e);
        }
    }

    private static List<ModelDescriptor> readClasspath() throws IOException {
        ClassLoader cl = ModelRegistry.class.getClassLoader();
        List<ModelDescriptor> list = new ArrayList<>();
        Enumeration<URL> roots = cl.getResources(RESOURCE_DIR);
        List<String> seen = new ArrayList<>();
        while (roots.hasMoreElements()) {
            URL root = roots.nextElement();
            for (String file : listJson(root)) {
                if (seen.contains(file)) {
                    continue;
                }
                seen.add(file);
                try (InputStream in = cl.getResourceAsStream(RESOURCE_DIR + file)) {
                    if (in == null) {
                        throw new IOException("cannot open resource " + RESOURCE_DIR + file);
                    }
                    list.add(parse(RESOURCE_DIR + file, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
            }
        }
        return list;
    }

    private static List<String> listJson(URL root) throws IOException {
        List<String> names = new ArrayList<>();
        switch (root.getProtocol()) {
            case "file" -> {
                Path dir;
                try {
                    dir = Paths.get(root.toURI());
                } catch (URISyntaxException e) {
                    throw new IOException("bad resource URL " + root, e);
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
                    files.forEach(f -> names.add(f.getFileName().toString()));
                }
            }
            case "jar" -> {
                JarURLConnection conn = (JarURLConnection) root.openConnection();
                conn.setUseCaches(false);
                try (JarFile jar = conn.getJarFile()) {
                    Enumeration<JarEntry> entries = jar.entries();
                    while (entries.hasMoreElements()) {
                        String n = entries.nextElement().getName();
                        if (n.startsWith(RESOURCE_DIR) && n.endsWith(".json")
                                && n.indexOf('/', RESOURCE_DIR.length()) < 0) {
                            names.add(n.substring(RESOURCE_DIR.length()));
                        }
                    }
                }
            }
            default -> throw new IOException("cannot list model descriptors at " + root);
        }
        Collections.sort(names);
        return names;
    }
}
