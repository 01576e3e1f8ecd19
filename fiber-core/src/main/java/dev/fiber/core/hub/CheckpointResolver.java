package dev.fiber.core.hub;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns what a user types for a checkpoint into a local file: an existing path (used as is), an http(s)
 * URL (downloaded once into the cache), or a model name from the {@link ModelRegistry} (its official URL,
 * with its SHA-256 when known). Downloads go through {@link Downloader}: resumable, progress bar on
 * stderr, hash check, atomic rename.
 *
 * <p>Cache directory: system property {@code fiber.cache}, else environment variable {@code FIBER_CACHE},
 * else {@code ~/.cache/fiber}. A URL {@code https://host/a/b/file.ckpt} is cached as
 * {@code <cache>/host/a/b/file.ckpt}.
 */
public final class CheckpointResolver {

    private final Path cacheDir;
    private final ModelRegistry registry;
    private final Downloader downloader;

    /**
     * @param cacheDir   cache directory
     * @param registry   known models
     * @param downloader the downloader
     */
    public CheckpointResolver(Path cacheDir, ModelRegistry registry, Downloader downloader) {
        this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir").toAbsolutePath().normalize();
        this.registry = Objects.requireNonNull(registry, "registry");
        this.downloader = Objects.requireNonNull(downloader, "downloader");
    }

    /** @return a resolver with the default cache, the built-in models and {@link Downloader#defaults()} */
    public static CheckpointResolver defaults() {
        return new CheckpointResolver(defaultCacheDir(), ModelRegistry.builtin(), Downloader.defaults());
    }

    /** @return {@code -Dfiber.cache}, else {@code $FIBER_CACHE}, else {@code ~/.cache/fiber} */
    public static Path defaultCacheDir() {
        String prop = System.getProperty("fiber.cache");
        if (prop != null && !prop.isBlank()) {
            return Paths.get(prop);
        }
        String env = System.getenv("FIBER_CACHE");
        if (env != null && !env.isBlank()) {
            return Paths.get(env);
        }
        return Paths.get(System.getProperty("user.home"), ".cache", "fiber");
    }

    /** @return the cache directory */
    public Path cacheDir() {
        return cacheDir;
    }

    /** @return the known models */
    public ModelRegistry registry() {
        return registry;
    }

    /**
     * Resolves a path, URL or model name to a local file, downloading if needed.
     *
     * @param spec an existing file or directory, an http(s) URL, or a model name (see {@code fiber models})
     * @return the local path
     * @throws IOException if a download fails, or {@link NoSuchFileException} if {@code spec} is neither an
     *                     existing path, a URL nor a known model (the message lists the known names)
     */
    public Path resolve(String spec) throws IOException {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("no checkpoint given (a path, an http(s) URL or a model name)");
        }
        String lower = spec.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            URI uri = toUri(spec);
            String sha = registry.list().stream().filter(d -> d.url().equals(spec)).map(ModelDescriptor::sha256)
                    .filter(Objects::nonNull).findFirst().orElse(null);
            return download(uri, sha);
        }
        try {
            Path p = Paths.get(spec);
            if (Files.exists(p)) {
                return p.toAbsolutePath();
            }
        } catch (InvalidPathException e) {
            // not a path: maybe a model name
        }
        if (registry.find(spec).isPresent()) {
            return fetch(registry.get(spec));
        }
        throw new NoSuchFileException(spec, null, "not an existing file, an http(s) URL or a known model name"
                + " (known: " + String.join(", ", registry.names()) + ")");
    }

    /**
     * Downloads (once) the checkpoint of a descriptor.
     *
     * @param model the descriptor
     * @return the cached file
     * @throws IOException if the download fails or the hash does not match
     */
    public Path fetch(ModelDescriptor model) throws IOException {
        return download(toUri(model.url()), model.sha256());
    }

    /**
     * Downloads (once) a URL into the cache.
     *
     * @param url            http(s) URL
     * @param expectedSha256 expected hash or null
     * @return the cached file
     * @throws IOException if the download fails or the hash does not match
     */
    public Path download(URI url, String expectedSha256) throws IOException {
        return downloader.download(url, cachePath(url), expectedSha256);
    }

    /**
     * @param model a descriptor
     * @return whether its file is already in the cache
     */
    public boolean isCached(ModelDescriptor model) {
        return Files.isRegularFile(cachePath(toUri(model.url())));
    }

    /**
     * @param url an http(s) URL
     * @return where the cache keeps it: {@code <cache>/<host>/<decoded path>}
     * @throws IllegalArgumentException if the URL has no host or file name, or a {@code .} / {@code ..}
     *                                  path segment
     */
    public Path cachePath(URI url) {
        String host = url.getHost();
        String path = url.getPath();
        if (host == null || path == null || path.isEmpty() || path.endsWith("/")) {
            throw new IllegalArgumentException("URL has no host or file name: " + url);
        }
        String hostDir = url.getPort() > 0 ? host + "_" + url.getPort() : host;
        Path p = cacheDir.resolve(sanitize(hostDir, url));
        for (String seg : path.split("/")) {
            if (seg.isEmpty()) {
                continue;
            }
            p = p.resolve(sanitize(seg, url));
        }
        return p;
    }

    private static String sanitize(String segment, URI url) {
        if (segment.equals(".") || segment.equals("..") || segment.contains("\\") || segment.contains(":")
                || segment.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("unsafe path segment \"" + segment + "\" in " + url);
        }
        return segment;
    }

    private static URI toUri(String s) {
        try {
            return new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("bad URL " + s + ": " + e.getMessage(), e);
        }
    }
}
