package dev.fiber.tasks.finetune;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;
import dev.fiber.tasks.train.OptimConfig;
import dev.fiber.tasks.train.Warmup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A fine-tuning job as written in a JSON file (documented in {@code docs/FINETUNING.md}); key names follow
 * FIBER's {@code config.py} where it has them ({@code learning_rate}, {@code lr_mult_head},
 * {@code warmup_steps}, {@code max_epoch}, {@code batch_size}, {@code per_gpu_batchsize} ...). Relative
 * paths are resolved against the configuration file's folder. Unknown keys are an error (a misspelt key
 * must not be silently ignored).
 *
 * @param task             {@code vqa}, {@code nlvr2}, {@code retrieval} or {@code caption}
 * @param checkpoint       the pre-trained FIBER checkpoint: a path, URL or model name
 * @param outputDir        checkpoints and the final model
 * @param imageSize        input resolution (0 = the checkpoint's)
 * @param maxTextLen       padded text length
 * @param batchSize        samples per optimizer step ({@code batch_size})
 * @param microBatchSize   samples per forward pass ({@code per_gpu_batchsize}); accumulation = batch / micro
 * @param maxEpoch         epochs
 * @param maxSteps         optimizer steps, or {@code null} (derived from the epochs)
 * @param optim            optimiser and schedule
 * @param gradientClipVal  global-norm clipping, 0 = off
 * @param seed             run seed
 * @param numWorkers       data-loading threads
 * @param evalEverySteps   extra evaluations (0 = each epoch)
 * @param saveEverySteps   extra checkpoints (0 = each epoch)
 * @param timeLimitMinutes wall-time limit, or {@code null}
 * @param hiddenDropout    RoBERTa hidden dropout ({@code null} = the checkpoint's, 0.1)
 * @param attentionDropout RoBERTa attention dropout ({@code null} = the checkpoint's)
 * @param dropPath         Swin drop-path rate ({@code null} = the checkpoint's)
 * @param trainTransform   {@code albef_randaug} (official) or {@code albef}
 * @param valTransform     {@code albef}
 * @param device           {@code cpu} or {@code gpu}
 * @param valLimit         evaluate on at most this many validation examples (0 = all)
 * @param data             task-specific data settings (paths already resolved)
 */
public record FinetuneConfig(String task, String checkpoint, Path outputDir, int imageSize, int maxTextLen, int batchSize,
        int microBatchSize, int maxEpoch, Long maxSteps, OptimConfig optim, double gradientClipVal, long seed, int numWorkers,
        long evalEverySteps, long saveEverySteps, Double timeLimitMinutes, Double hiddenDropout, Double attentionDropout, Double dropPath,
        String trainTransform, String valTransform, String device, int valLimit, Map<String, Object> data) {

    /** The tasks of {@code fiber finetune}. */
    public static final List<String> TASKS = List.of("vqa", "nlvr2", "retrieval", "caption");

    private static final Set<String> KEYS = Set.of("task", "checkpoint", "output_dir", "image_size", "max_text_len", "batch_size",
            "per_gpu_batchsize", "max_epoch", "max_steps", "learning_rate", "weight_decay", "lr_mult_head", "lr_mult_cross_modal",
            "warmup_steps", "end_lr", "decay_power", "optim_type", "gradient_clip_val", "seed", "num_workers", "eval_every_steps",
            "save_every_steps", "time_limit_minutes", "hidden_dropout_prob", "attention_probs_dropout_prob", "drop_path_rate",
            "train_transform", "val_transform", "device", "val_limit", "data");

    /** Validates. */
    public FinetuneConfig {
        if (!TASKS.contains(task)) {
            throw new IllegalArgumentException("task must be one of " + TASKS + ", got '" + task + "'");
        }
        if (checkpoint == null || checkpoint.isBlank()) {
            throw new IllegalArgumentException("'checkpoint' is required (path, URL or model name of a pre-trained FIBER)");
        }
        if (outputDir == null) {
            throw new IllegalArgumentException("'output_dir' is required");
        }
        if (batchSize < 1 || microBatchSize < 1 || batchSize % microBatchSize != 0) {
            throw new IllegalArgumentException("batch_size (" + batchSize + ") must be a positive multiple of per_gpu_batchsize ("
                    + microBatchSize + ")");
        }
        if (maxTextLen < 2 || maxEpoch < 1 || numWorkers < 0 || valLimit < 0) {
            throw new IllegalArgumentException("max_text_len >= 2, max_epoch >= 1, num_workers >= 0, val_limit >= 0 required");
        }
        if (!"cpu".equals(device) && !"gpu".equals(device)) {
            throw new IllegalArgumentException("device must be cpu or gpu, got '" + device + "'");
        }
        data = data == null ? Map.of() : Map.copyOf(data);
    }

    /** @return micro-batches per optimizer step */
    public int accumulate() {
        return batchSize / microBatchSize;
    }

    /**
     * Reads a configuration file.
     *
     * @param file         the JSON file
     * @param taskOverride the task named on the command line (must agree with the file's {@code task} if both are given)
     * @return the configuration
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it is malformed (with the offending key)
     */
    public static FinetuneConfig read(Path file, String taskOverride) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Map<String, Object> map;
        try {
            map = new Gson().fromJson(text, new TypeToken<LinkedHashMap<String, Object>>() {}.getType());
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (map == null) {
            throw new IllegalArgumentException(file + " is empty");
        }
        return parse(map, file.toAbsolutePath().getParent(), taskOverride);
    }

    /**
     * @param map          the parsed JSON object
     * @param base         folder relative paths are resolved against
     * @param taskOverride the task from the command line, or {@code null}
     * @return the configuration
     */
    public static FinetuneConfig parse(Map<String, Object> map, Path base, String taskOverride) {
        Set<String> unknown = new TreeSet<>(map.keySet());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown configuration key(s) " + unknown + "; known: " + new TreeSet<>(KEYS));
        }
        String task = str(map, "task", taskOverride);
        if (taskOverride != null && map.containsKey("task") && !taskOverride.equals(map.get("task"))) {
            throw new IllegalArgumentException("the command says task '" + taskOverride + "' but the file says '" + map.get("task") + "'");
        }
        if (task == null) {
            throw new IllegalArgumentException("no task: give it on the command line or as 'task'");
        }
        Defaults d = Defaults.of(task);
        int batch = integer(map, "batch_size", d.batch);
        Object warm = map.getOrDefault("warmup_steps", 0.1);
        Warmup warmup = warm instanceof Number n ? (n.doubleValue() < 1 && n.doubleValue() != Math.rint(n.doubleValue())
                ? Warmup.fraction(n.doubleValue()) : Warmup.steps((long) n.doubleValue())) : Warmup.parse(String.valueOf(warm));
        Object dp = map.getOrDefault("decay_power", 1);
        OptimConfig.DecayPower power = "cosine".equals(dp) ? OptimConfig.DecayPower.COSINE
                : OptimConfig.DecayPower.polynomial(number(dp, "decay_power"));
        OptimConfig optim = new OptimConfig(dbl(map, "learning_rate", d.lr), dbl(map, "weight_decay", 0.01), dbl(map, "lr_mult_head", d.headMult),
                dbl(map, "lr_mult_cross_modal", 5), dbl(map, "end_lr", 0), power, warmup, str(map, "optim_type", "adamw"));
        Object ms = map.get("max_steps");
        Object tl = map.get("time_limit_minutes");
        Object data = map.get("data");
        if (data != null && !(data instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("'data' must be an object");
        }
        Map<String, Object> dataMap = new LinkedHashMap<>();
        if (data instanceof Map<?, ?> dm) {
            dm.forEach((k, v) -> dataMap.put(String.valueOf(k), resolvePaths(String.valueOf(k), v, base)));
        }
        return new FinetuneConfig(task, resolve(str(map, "checkpoint", null), base), path(str(map, "output_dir", null), base),
                integer(map, "image_size", 0), integer(map, "max_text_len", 50), batch, integer(map, "per_gpu_batchsize", Math.min(batch, 32)),
                integer(map, "max_epoch", d.epochs), ms == null ? null : (long) number(ms, "max_steps"), optim, dbl(map, "gradient_clip_val", 0),
                (long) dbl(map, "seed", 0), integer(map, "num_workers", 2), (long) dbl(map, "eval_every_steps", 0),
                (long) dbl(map, "save_every_steps", 0), tl == null ? null : number(tl, "time_limit_minutes"), opt(map, "hidden_dropout_prob"),
                opt(map, "attention_probs_dropout_prob"), opt(map, "drop_path_rate"), str(map, "train_transform", "albef_randaug"),
                str(map, "val_transform", "albef"), str(map, "device", "cpu"), integer(map, "val_limit", 0), dataMap);
    }

    /** FIBER's per-task defaults ({@code config.py}). */
    private record Defaults(int batch, double lr, double headMult, int epochs) {
        static Defaults of(String task) {
            return switch (task) {
                case "vqa" -> new Defaults(512, 2e-5, 50, 10);
                case "nlvr2" -> new Defaults(256, 2e-5, 50, 5);
                case "retrieval" -> new Defaults(1024, 2e-5, 5, 10);
                case "caption" -> new Defaults(512, 5e-5, 5, 10);
                default -> throw new IllegalArgumentException("task must be one of " + TASKS + ", got '" + task + "'");
            };
        }
    }

    /**
     * @param key a data key
     * @return a string setting of {@link #data()}, or {@code def}
     * @param def default
     */
    public String dataString(String key, String def) {
        Object v = data.get(key);
        return v == null ? def : String.valueOf(v);
    }

    /**
     * @param key a required data key
     * @return its value as a path
     */
    public Path dataPath(String key) {
        Object v = data.get(key);
        if (v == null) {
            throw new IllegalArgumentException("data." + key + " is required for task " + task);
        }
        return Path.of(String.valueOf(v));
    }

    private static Object resolvePaths(String key, Object v, Path base) {
        if (v instanceof String s && isPathKey(key)) {
            return path(s, base).toString();
        }
        if (v instanceof List<?> l) {
            return l.stream().map(x -> resolvePaths(key, x, base)).toList();
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), resolvePaths(String.valueOf(k), x, base)));
            return out;
        }
        return v;
    }

    private static boolean isPathKey(String key) {
        return Set.of("images", "questions", "annotations", "answers", "train", "dev", "val", "karpathy").contains(key);
    }

    private static String resolve(String p, Path base) {
        if (p == null || base == null || p.contains("://") || !looksLikePath(p)) {
            return p;
        }
        Path q = Path.of(p);
        return q.isAbsolute() ? p : base.resolve(q).normalize().toString();
    }

    private static boolean looksLikePath(String p) {
        return p.contains("/") || p.contains(".") || p.contains("\\");
    }

    private static Path path(String p, Path base) {
        if (p == null) {
            return null;
        }
        Path q = Path.of(p);
        return q.isAbsolute() || base == null ? q : base.resolve(q).normalize();
    }

    private static String str(Map<String, Object> m, String k, String def) {
        Object v = m.get(k);
        return v == null ? def : String.valueOf(v);
    }

    private static double number(Object v, String k) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(String.valueOf(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + k + "' must be a number, got '" + v + "'");
        }
    }

    private static double dbl(Map<String, Object> m, String k, double def) {
        Object v = m.get(k);
        return v == null ? def : number(v, k);
    }

    private static Double opt(Map<String, Object> m, String k) {
        Object v = m.get(k);
        return v == null ? null : number(v, k);
    }

    private static int integer(Map<String, Object> m, String k, int def) {
        Object v = m.get(k);
        if (v == null) {
            return def;
        }
        double d = number(v, k);
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("'" + k + "' must be an integer, got " + v);
        }
        return (int) d;
    }
}
