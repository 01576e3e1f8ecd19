package dev.fiber.core.hub;

import dev.fiber.core.util.ProgressBar;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads a file over HTTP(S) once, safely: into {@code <target>.part}, resuming an earlier partial
 * download with an HTTP {@code Range} request (and retrying, resuming, after a dropped connection), with a
 * {@link ProgressBar} on the log stream, a SHA-256 check when the expected hash is known (the hash is
 * printed when it is not), then an atomic rename to {@code <target>}. The verified hash is kept next to the
 * file in {@code <target>.sha256} so later cache hits need not re-hash gigabytes. Concurrent downloads of
 * the same target (threads or processes) are serialised with a lock file.
 */
public final class Downloader {

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");
    private static final Pattern UNSATISFIED_RANGE = Pattern.compile("bytes\\s+\\*/(\\d+)");
    private static final ConcurrentHashMap<Path, Object> JVM_LOCKS = new ConcurrentHashMap<>();
    private static final int BUFFER = 1 << 16;

    private final PrintStream log;
    private final ProgressBar.Mode progressMode;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final int maxAttempts;
    private final long retryDelayMillis;

    /**
     * @param log              where progress and messages go (normally stderr)
     * @param progressMode     progress display
     * @param connectTimeout   connect timeout
     * @param readTimeout      timeout of a single read (a stalled transfer fails and is resumed)
     * @param maxAttempts      attempts per download (≥ 1); each retry resumes where the last one stopped
     * @param retryDelayMillis pause before the first retry, doubled each time
     */
    public Downloader(PrintStream log, ProgressBar.Mode progressMode, Duration connectTimeout, Duration readTimeout,
            int maxAttempts, long retryDelayMillis) {
        this.log = Objects.requireNonNull(log, "log");
        this.progressMode = Objects.requireNonNull(progressMode, "progressMode");
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1");
        }
        this.maxAttempts = maxAttempts;
        this.retryDelayMillis = retryDelayMillis;
    }

    /** @return a downloader logging to stderr, 30 s connect / 60 s read timeouts, 4 attempts */
    public static Downloader defaults() {
        return new Downloader(System.err, ProgressBar.Mode.AUTO, Duration.ofSeconds(30), Duration.ofSeconds(60), 4,
                1000);
    }

    /**
     * Makes sure {@code target} holds the file at {@code url}.
     *
     * @param url            http or https URL
     * @param target         final location (parent directories are created)
     * @param expectedSha256 lower-case hex SHA-256, or null if unknown
     * @return {@code target}
     * @throws IOException on HTTP errors, after the last failed attempt, or on a hash mismatch (then the
     *                     downloaded bytes are deleted)
     */
    public Path download(URI url, Path target, String expectedSha256) throws IOException {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IOException("can only download http(s) URLs, got " + url);
        }
        String expected = expectedSha256 == null ? null : expectedSha256.toLowerCase(Locale.ROOT);
        Path abs = target.toAbsolutePath().normalize();
        Files.createDirectories(abs.getParent());
        Object jvmLock = JVM_LOCKS.computeIfAbsent(abs, p -> new Object());
        synchronized (jvmLock) {
            Path lockFile = sibling(abs, ".lock");
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = ch.lock();
                try {
                    if (Files.isRegularFile(abs)) {
                        verifyCached(abs, expected);
                    } else {
                        fetchVerified(url, abs, expected);
                    }
                    return abs;
                } finally {
                    lock.release();
                }
            }
        }
    }

    private void fetchVerified(URI url, Path target, String expected) throws IOException {
        Path part = sibling(target, ".part");
        String sha = null;
        for (int attempt = 1; ; attempt++) {
            try {
                sha = transfer(url, part, target.getFileName().toString());
                break;
            } catch (DownloadException e) {
                if (!e.retryable || attempt >= maxAttempts) {
                    throw e;
                }
                retryPause(attempt, part, e);
            } catch (IOException e) {
                if (attempt >= maxAttempts) {
                    throw new IOException("download of " + url + " failed after " + attempt + " attempts ("
                            + (Files.exists(part) ? Files.size(part) + " bytes kept in " + part + " for a later resume"
                                    : "nothing kept") + "): " + e.getMessage(), e);
                }
                retryPause(attempt, part, e);
            }
        }
        if (expected != null && !expected.equals(sha)) {
            Files.deleteIfExists(part);
            throw new IOException("SHA-256 mismatch for " + url + ": expected " + expected + " but the download has "
                    + sha + "; the corrupt download was deleted");
        }
        if (expected == null) {
            log.println("sha256 " + sha + "  " + target.getFileName()
                    + "  (no known hash to check against; record it in the model descriptor)");
        }
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.writeString(sibling(target, ".sha256"), sha + "  " + target.getFileName() + "\n", StandardCharsets.UTF_8);
        log.println("saved " + target);
    }

    private void retryPause(int attempt, Path part, IOException e) throws IOException {
        long have = Files.exists(part) ? Files.size(part) : 0;
        log.println("download interrupted (" + e.getMessage() + "); retrying"
                + (have > 0 ? ", resuming at byte " + have : "") + " (attempt " + (attempt + 1) + " of "
                + maxAttempts + ")");
        long delay = retryDelayMillis << Math.min(attempt - 1, 10);
        if (delay > 0) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IOException("download interrupted", ie);
            }
        }
    }

    /** One attempt: resumes {@code part} if it exists; returns the SHA-256 of the complete file. */
    private String transfer(URI url, Path part, String label) throws IOException {
        long offset = Files.exists(part) ? Files.size(part) : 0;
        HttpURLConnection conn = open(url, offset);
        try {
            int code = conn.getResponseCode();
            long total;
            boolean append;
            if (code == 416 && offset > 0) {
                Matcher m = UNSATISFIED_RANGE.matcher(String.valueOf(conn.getHeaderField("Content-Range")));
                if (m.find() && Long.parseLong(m.group(1)) == offset) {
                    return sha256(part);
                }
                Files.deleteIfExists(part);
                throw new DownloadException("the partial download does not fit the server's file (HTTP 416); "
                        + "starting over", true);
            } else if (code == HttpURLConnection.HTTP_PARTIAL && offset > 0) {
                Matcher m = CONTENT_RANGE.matcher(String.valueOf(conn.getHeaderField("Content-Range")));
                if (!m.find() || Long.parseLong(m.group(1)) != offset) {
                    Files.deleteIfExists(part);
                    throw new DownloadException("server answered the range request with Content-Range "
                            + conn.getHeaderField("Content-Range") + "; starting over", true);
                }
                total = m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3));
                append = true;
            } else if (code == HttpURLConnection.HTTP_OK) {
                if (offset > 0) {
                    log.println("server ignored the resume request; downloading " + label + " from the start");
                }
                offset = 0;
                total = conn.getContentLengthLong();
                append = false;
            } else {
                boolean retryable = code >= 500 || code == 408 || code == 429;
                throw new DownloadException("HTTP " + code + " " + String.valueOf(conn.getResponseMessage())
                        + " for " + url, retryable);
            }
            MessageDigest digest = newDigest();
            if (append) {
                hashInto(part, digest);
            }
            try (InputStream in = conn.getInputStream();
                    OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
                    ProgressBar bar = ProgressBar.builder(label).unit(ProgressBar.Unit.BYTES).total(total)
                            .initial(offset).mode(progressMode).out(log).build()) {
                byte[] buf = new byte[BUFFER];
                long have = offset;
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    digest.update(buf, 0, n);
                    have += n;
                    bar.set(have);
                }
                if (total >= 0 && have != total) {
                    throw new IOException("connection closed at byte " + have + " of " + total);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } finally {
            conn.disconnect();
        }
    }

    private HttpURLConnection open(URI uri, long offset) throws IOException {
        URL url = uri.toURL();
        for (int redirects = 0; redirects <= 5; redirects++) {
            HttpURLConnection conn = (HttpURLConnection) url.openConnection();
            conn.setInstanceFollowRedirects(false);
            conn.setConnectTimeout((int) connectTimeout.toMillis());
            conn.setReadTimeout((int) readTimeout.toMillis());
            conn.setRequestProperty("User-Agent", "fiber-jvm-downloader");
            conn.setRequestProperty("Accept-Encoding", "identity");
            if (offset > 0) {
                conn.setRequestProperty("Range", "bytes=" + offset + "-");
            }
            int code = conn.getResponseCode();
            if (code == 301 || code == 302 || code == 303 || code == 307 || code == 308) {
                String location = conn.getHeaderField("Location");
                conn.disconnect();
                if (location == null) {
                    throw new DownloadException("HTTP " + code + " without Location for " + url, false);
                }
                url = URI.create(url.toString()).resolve(location).toURL();
                continue;
            }
            return conn;
        }
        throw new DownloadException("too many redirects for " + uri, false);
    }

    /**
     * Checks a cached file against the expected hash, using the {@code .sha256} note when it matches.
     */
    private void verifyCached(Path target, String expected) throws IOException {
        if (expected == null) {
            return;
        }
        Path note = sibling(target, ".sha256");
        if (Files.isRegularFile(note)) {
            String recorded = Files.readString(note, StandardCharsets.UTF_8).trim().split("\\s+")[0];
            if (recorded.equals(expected)) {
                return;
            }
        }
        log.println("verifying " + target.getFileName() + " ...");
        String actual = sha256(target);
        if (!actual.equals(expected)) {
            throw new IOException("cached file " + target + " has SHA-256 " + actual + " but " + expected
                    + " is expected; delete it to download it again");
        }
        Files.writeString(note, actual + "  " + target.getFileName() + "\n", StandardCharsets.UTF_8);
    }

    /**
     * @param file a file
     * @return its SHA-256, lower-case hex
     * @throws IOException if it cannot be read
     */
    public static String sha256(Path file) throws IOException {
        MessageDigest d = newDigest();
        hashInto(file, d);
        return HexFormat.of().formatHex(d.digest());
    }

    private static void hashInto(Path file, MessageDigest d) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = in.read(buf)) >= 0) {
                d.update(buf, 0, n);
            }
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new UncheckedIOException(new IOException("SHA-256 is not available", e));
        }
    }

    private static Path sibling(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    /** An HTTP-level failure; {@code retryable} says whether another attempt may succeed. */
    private static final class DownloadException extends IOException {
        private static final long serialVersionUID = 1L;
        final boolean retryable;

        DownloadException(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }
    }
}
