package dev.fiber.core.hub;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Describes one released FIBER checkpoint: the {@code models/<name>.json} files of this repository
 * (packaged into fiber-core's jar), built from the official README model zoos
 * ({@code coarse_grained/README.md}, {@code fine_grained/README.md}) and configs.
 *
 * <p>JSON fields: {@code name}, {@code family} ({@code coarse} | {@code fine}), {@code task},
 * {@code description}, {@code url}, {@code fileName}, {@code imageSize} (coarse: square input side;
 * fine: shorter side), {@code maxImageSize} (fine only: longer-side cap, else null), {@code config} (the
 * official config that goes with it), {@code sha256} (null when not known: the downloader then prints
 * the hash it computed so it can be recorded).
 *
 * @param name         unique short name ({@code [a-z0-9][a-z0-9-]*}), e.g. {@code fiber-vqa}
 * @param family       {@code coarse} (image-level tasks) or {@code fine} (boxes: grounding, detection)
 * @param task         what the checkpoint does, e.g. {@code vqa}, {@code retrieval-itc}
 * @param description  one line for humans
 * @param url          official download URL (http/https)
 * @param fileName     file name in the cache (the URL's last segment, decoded)
 * @param imageSize    input resolution (coarse: square side; fine: shorter side)
 * @param maxImageSize fine-grained longer-side cap, or null
 * @param config       the official config to use with it
 * @param sha256       lower-case hex SHA-256 of the file, or null if unknown
 */
public record ModelDescriptor(String name, String family, String task, String description, String url,
        String fileName, int imageSize, Integer maxImageSize, String config, String sha256) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{64}");

    /** Validates every field with a message naming the descriptor. */
    public ModelDescriptor {
        Objects.requireNonNull(name, "model descriptor without \"name\"");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("model name \"" + name + "\" must match " + NAME.pattern());
        }
        require(name, "family", family);
        if (!family.equals("coarse") && !family.equals("fine")) {
            throw new IllegalArgumentException("model " + name + ": family must be coarse or fine, got " + family);
        }
        require(name, "task", task);
        require(name, "url", url);
        require(name, "fileName", fileName);
        try {
            String scheme = new URI(url).getScheme();
            if (scheme == null || !(scheme.equals("https") || scheme.equals("http"))) {
                throw new IllegalArgumentException("model " + name + ": url must be http(s): " + url);
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("model " + name + ": bad url " + url, e);
        }
        if (fileName.contains("/") || fileName.contains("\\") || fileName.startsWith(".")) {
            throw new IllegalArgumentException("model " + name + ": bad fileName " + fileName);
        }
        if (imageSize <= 0) {
            throw new IllegalArgumentException("model " + name + ": imageSize must be > 0");
        }
        if (sha256 != null) {
            sha256 = sha256.toLowerCase(Locale.ROOT);
            if (!SHA.matcher(sha256).matches()) {
                throw new IllegalArgumentException("model " + name + ": sha256 must be 64 hex digits or null");
            }
        }
        description = description == null ? "" : description;
    }

    private static void require(String name, String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("model " + name + ": missing \"" + field + "\"");
        }
    }

    /**
     * @param json a descriptor object
     * @return the descriptor
     * @throws IllegalArgumentException if a field is missing or invalid
     */
    public static ModelDescriptor fromJson(JsonObject json) {
        return new ModelDescriptor(str(json, "name"), str(json, "family"), str(json, "task"),
                str(json, "description"), str(json, "url"), str(json, "fileName"),
                json.has("imageSize") ? json.get("imageSize").getAsInt() : 0, integer(json, "maxImageSize"),
                str(json, "config"), str(json, "sha256"));
    }

    /** @return this descriptor as JSON (the format of {@code models/*.json}) */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("name", name);
        o.addProperty("family", family);
        o.addProperty("task", task);
        o.addProperty("description", description);
        o.addProperty("url", url);
        o.addProperty("fileName", fileName);
        o.addProperty("imageSize", imageSize);
        o.addProperty("maxImageSize", maxImageSize);
        o.addProperty("config", config);
        o.addProperty("sha256", sha256);
        return o;
    }

    /**
     * @param sha the hash to record
     * @return a copy with that sha256
     */
    public ModelDescriptor withSha256(String sha) {
        return new ModelDescriptor(name, family, task, description, url, fileName, imageSize, maxImageSize, config,
                sha);
    }

    private static String str(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? null : e.getAsString();
    }

    private static Integer integer(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? null : e.getAsInt();
    }
}
