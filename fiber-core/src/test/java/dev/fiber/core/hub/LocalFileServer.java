package dev.fiber.core.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test HTTP server on 127.0.0.1 (random port) serving one byte array under several behaviours:
 * {@code /ok/f.bin} (Range support), {@code /flaky/f.bin} (the first {@code failures} responses stop
 * after half the bytes), {@code /norange/f.bin} (ignores Range), {@code /redirect/f.bin} (302 to
 * {@code /ok/f.bin}); anything else is 404. Records every request's path and Range header.
 */
final class LocalFileServer implements AutoCloseable {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    /** One request seen by the server. */
    record Request(String path, String range) {}

    private final HttpServer server;
    private final byte[] body;
    private final AtomicInteger failuresLeft;
    final List<Request> requests = new CopyOnWriteArrayList<>();

    LocalFileServer(byte[] body, int failures) throws IOException {
        this.body = body;
        this.failuresLeft = new AtomicInteger(failures);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String range = ex.getRequestHeaders().getFirst("Range");
        requests.add(new Request(path, range));
        try (ex) {
            switch (path) {
                case "/ok/f.bin" -> serve(ex, range, false);
                case "/norange/f.bin" -> serve(ex, null, false);
                case "/flaky/f.bin" -> serve(ex, range, failuresLeft.getAndDecrement() > 0);
                case "/redirect/f.bin" -> {
                    ex.getResponseHeaders().add("Location", "/ok/f.bin");
                    ex.sendResponseHeaders(302, -1);
                }
                default -> ex.sendResponseHeaders(404, -1);
            }
        }
    }

    private void serve(HttpExchange ex, String range, boolean cutHalfway) throws IOException {
        int from = 0;
        if (range != null) {
            Matcher m = RANGE.matcher(range);
            if (m.matches()) {
                from = Integer.parseInt(m.group(1));
            }
        }
        if (from >= body.length && range != null) {
            ex.getResponseHeaders().add("Content-Range", "bytes */" + body.length);
            ex.sendResponseHeaders(416, -1);
            return;
        }
        int len = body.length - from;
        if (range != null) {
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
            ex.sendResponseHeaders(206, len);
        } else {
            ex.sendResponseHeaders(200, len);
        }
        OutputStream out = ex.getResponseBody();
        if (cutHalfway) {
            out.write(body, from, len / 2);
            out.flush();
            // drop the connection without sending the rest
            throw new IOException("simulated network failure");
        }
        out.write(body, from, len);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
