package dev.fiber.tasks.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads NLVR2's JSON-lines files ({@code nlvr2/data/train.json}, {@code dev.json}, {@code test1.json},
 * {@code balanced/*.json}, ...): one object per line with {@code identifier}, {@code sentence},
 * {@code label} ({@code "True"}/{@code "False"}) and, for train, {@code directory}.
 *
 * <p>Image paths follow the official {@code write_nlvr2.py}: with {@code pair} = the identifier without
 * its last {@code -} part and {@code split} = its first part, train images are
 * {@code images/train/{directory}/{pair}-img0.png} / {@code -img1.png}, all others
 * {@code {split}/{pair}-img0.png} / {@code -img1.png}, relative to the NLVR2 root.
 */
public final class Nlvr2Reader {

    private Nlvr2Reader() {}

    /**
     * @param jsonLines an NLVR2 JSON-lines file
     * @return its statements in file order
     * @throws IOException if the file is missing, a line is not a JSON object, or a field is missing or
     *     malformed (the message names the line)
     */
    public static List<Nlvr2Example> read(Path jsonLines) throws IOException {
        Objects.requireNonNull(jsonLines, "jsonLines");
        if (!Files.isRegularFile(jsonLines)) {
            throw new IOException("NLVR2 file not found: " + jsonLines.toAbsolutePath());
        }
        List<Nlvr2Example> out = new ArrayList<>();
        try (BufferedReader br = Files.newBufferedReader(jsonLines, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = br.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.add(parse(JsonParser.parseString(line)));
                } catch (JsonParseException | IllegalStateException | IllegalArgumentException e) {
                    throw new IOException(jsonLines.toAbsolutePath() + " line " + lineNo + ": " + e.getMessage(), e);
                }
            }
        }
        return out;
    }

    /**
     * Image paths of a pair, as {@code write_nlvr2.py} forms them.
     *
     * @param pairId    identifier without the last part
     * @param directory the {@code directory} field (train only; may be {@code null} otherwise)
     * @param imageIndex 0 (left) or 1 (right)
     * @return the path relative to the NLVR2 root
     */
    public static String imagePath(String pairId, String directory, int imageIndex) {
        if (imageIndex != 0 && imageIndex != 1) {
            throw new IllegalArgumentException("image index must be 0 or 1, got " + imageIndex);
        }
        String split = pairId.split("-", 2)[0];
        if (pairId.startsWith("train")) {
            if (directory == null || directory.isEmpty()) {
                throw new IllegalArgumentException("train pair " + pairId + " needs a \"directory\"");
            }
            return "images/train/" + directory + "/" + pairId + "-img" + imageIndex + ".png";
        }
        return split + "/" + pairId + "-img" + imageIndex + ".png";
    }

    /**
     * @param identifier a statement identifier ({@code dev-850-0-0})
     * @return the pair id ({@code dev-850-0})
     */
    public static String pairId(String identifier) {
        int dash = identifier.lastIndexOf('-');
        if (dash <= 0) {
            throw new IllegalArgumentException("NLVR2 identifier '" + identifier + "' has no '-' part to drop");
        }
        return identifier.substring(0, dash);
    }

    private static Nlvr2Example parse(JsonElement el) {
        if (!el.isJsonObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        JsonObject o = el.getAsJsonObject();
        String identifier = string(o, "identifier");
        String sentence = string(o, "sentence");
        boolean label = label(o.get("label"), identifier);
        String directory = o.has("directory") && !o.get("directory").isJsonNull() ? o.get("directory").getAsString() : null;
        String pair = pairId(identifier);
        String left = imagePath(pair, directory, 0);
        String right = imagePath(pair, directory, 1);
        ImageSource.checkName(left);
        return new Nlvr2Example(identifier, pair, sentence, label, left, right);
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull() || !e.isJsonPrimitive()) {
            throw new IllegalArgumentException("missing \"" + key + "\"");
        }
        return e.getAsString();
    }

    private static boolean label(JsonElement e, String identifier) {
        if (e == null || e.isJsonNull() || !e.isJsonPrimitive()) {
            throw new IllegalArgumentException("statement " + identifier + " has no \"label\"");
        }
        if (e.getAsJsonPrimitive().isBoolean()) {
            return e.getAsBoolean();
        }
        String s = e.getAsString();
        if (s.equals("True")) {
            return true;
        }
        if (s.equals("False")) {
            return false;
        }
        throw new IllegalArgumentException("statement " + identifier + ": label must be \"True\" or \"False\", got \"" + s + "\"");
    }
}
