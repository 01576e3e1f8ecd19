package dev.fiber.tasks.data;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small helpers for the dataset readers' streaming JSON parsing (Gson's {@link JsonReader}). */
final class JsonFiles {

    private JsonFiles() {}

    /** Opens a UTF-8 JSON file for streaming, with a clear error when it is missing. */
    static JsonReader open(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException("JSON file not found: " + path.toAbsolutePath());
        }
        InputStream in = Files.newInputStream(path);
        JsonReader r = new JsonReader(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16));
        return r;
    }

    /** Reads a string, a number (as its text) or null (as {@code fallback}). */
    static String stringOrNumber(JsonReader r, String fallback) throws IOException {
        JsonToken t = r.peek();
        if (t == JsonToken.NULL) {
            r.nextNull();
            return fallback;
        }
        if (t == JsonToken.STRING || t == JsonToken.NUMBER) {
            return r.nextString();
        }
        if (t == JsonToken.BOOLEAN) {
            return Boolean.toString(r.nextBoolean());
        }
        throw new IOException("expected a string or number at " + r.getPath() + ", found " + t);
    }

    /** Reads an integral number (also accepting integral numbers written as strings). */
    static long longValue(JsonReader r) throws IOException {
        JsonToken t = r.peek();
        if (t != JsonToken.NUMBER && t != JsonToken.STRING) {
            throw new IOException("expected an integer at " + r.getPath() + ", found " + t);
        }
        String s = r.nextString();
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            try {
                double d = Double.parseDouble(s);
                if (d == Math.rint(d) && Math.abs(d) < 9.0e15) {
                    return (long) d;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the error below
            }
            throw new IOException("expected an integer at " + r.getPath() + ", found '" + s + "'");
        }
    }

    /** Wraps a parse failure with the file name. */
    static IOException failure(Path path, Exception e) {
        return new IOException("cannot parse " + path.toAbsolutePath() + ": " + e.getMessage(), e);
    }
}
