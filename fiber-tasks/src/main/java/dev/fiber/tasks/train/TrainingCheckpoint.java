package dev.fiber.tasks.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.fiber.core.checkpoint.SafeTensors;
import dev.fiber.core.checkpoint.TensorRef;
import dev.fiber.core.model.FiberModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A training checkpoint directory:
 * <pre>
 * model.safetensors      weights with the official state-dict keys + config metadata ({@link ModelWeights})
 * config.json            the model configuration ({@code FiberConfig.toJson()})
 * optimizer.safetensors  AdamW state per parameter: exp_avg.NAME, exp_avg_sq.NAME, step.NAME (int64 [1]),
 *                        and optimizer_steps (int64 [1])
 * trainer.json           {@link TrainerState}: step, epoch, position in the epoch, seed, evaluation history
 * </pre>
 * plus whatever task state the caller adds (e.g. the ITC queue). {@link #saveReplacing} writes a complete new
 * directory next to the old one and then swaps them, so an interrupted save never leaves a mix of two
 * steps; {@link #resolve} finds the surviving copy after a crash in the middle of the swap.
 */
public final class TrainingCheckpoint {

    /** Weights file. */
    public static final String WEIGHTS = "model.safetensors";
    /** Model configuration file. */
    public static final String CONFIG = "config.json";
    /** Optimizer state file. */
    public static final String OPTIMIZER = "optimizer.safetensors";
    /** Trainer state file. */
    public static final String STATE = "trainer.json";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    private TrainingCheckpoint() {}

    /**
     * @param dir       the checkpoint directory (created)
     * @param model     the model
     * @param optimizer its optimizer
     * @param state     the trainer state
     * @throws IOException if writing fails
     */
    public static void save(Path dir, FiberModel model, FiberOptimizer optimizer, TrainerState state) throws IOException {
        Files.createDirectories(dir);
        ModelWeights.save(model, dir.resolve(WEIGHTS), Map.of("step", Long.toString(state.step()), "task", String.valueOf(state.task())));
        writeString(dir.resolve(CONFIG), model.config().toJson());
        LinkedHashMap<String, SafeTensors.Entry> opt = new LinkedHashMap<>();
        opt.put("optimizer_steps", SafeTensors.Entry.of(new long[] {optimizer.steps()}, 1));
        for (Map.Entry<String, AdamW.State> e : optimizer.states().entrySet()) {
            AdamW.State s = e.getValue();
            opt.put("exp_avg." + e.getKey(), SafeTensors.Entry.of(s.expAvg(), s.expAvg().length));
            opt.put("exp_avg_sq." + e.getKey(), SafeTensors.Entry.of(s.expAvgSq(), s.expAvgSq().length));
            opt.put("step." + e.getKey(), SafeTensors.Entry.of(new long[] {s.step()}, 1));
        }
        SafeTensors.write(dir.resolve(OPTIMIZER), opt, Map.of("format", "fiber-adamw"));
        writeString(dir.resolve(STATE), GSON.toJson(state));
    }

    /**
     * Saves into {@code dir} by writing {@code dir.partial} first and swapping it in (the previous
     * checkpoint is kept as {@code dir.old} during the swap, then deleted).
     *
     * @param dir       the checkpoint directory
     * @param model     the model
     * @param optimizer its optimizer
     * @param state     the trainer state
     * @param extra     writes task-specific files into the new directory (may be {@code null})
     * @throws IOException if writing fails
     */
    public static void saveReplacing(Path dir, FiberModel model, FiberOptimizer optimizer, TrainerState state, Extra extra)
            throws IOException {
        Path partial = dir.resolveSibling(dir.getFileName() + ".partial");
        Path old = dir.resolveSibling(dir.getFileName() + ".old");
        deleteTree(partial);
        save(partial, model, optimizer, state);
        if (extra != null) {
            extra.write(partial);
        }
        deleteTree(old);
        if (Files.exists(dir)) {
            Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
    }

    /** Task-specific checkpoint content. */
    @FunctionalInterface
    public interface Extra {
        /**
         * @param dir the new checkpoint directory
         * @throws IOException if writing fails
         */
        void write(Path dir) throws IOException;
    }

    /**
     * @param dir a checkpoint directory written by {@link #saveReplacing}
     * @return {@code dir} if complete, else the {@code dir.old} left by an interrupted swap if that is
     *     complete, else {@code null}
     */
    public static Path resolve(Path dir) {
        if (exists(dir)) {
            return dir;
        }
        Path old = dir.resolveSibling(dir.getFileName() + ".old");
        return exists(old) ? old : null;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (java.util.stream.Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }

    /**
     * @param dir a checkpoint directory
     * @return whether it holds a complete checkpoint
     */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(STATE)) && Files.isRegularFile(dir.resolve(WEIGHTS))
                && Files.isRegularFile(dir.resolve(OPTIMIZER));
    }

    /**
     * @param dir a checkpoint directory
     * @return its trainer state
     * @throws IOException if it cannot be read or parsed
     */
    public static TrainerState readState(Path dir) throws IOException {
        try {
            TrainerState s = GSON.fromJson(Files.readString(dir.resolve(STATE), StandardCharsets.UTF_8), TrainerState.class);
            if (s == null) {
                throw new IOException(dir.resolve(STATE) + " is empty");
            }
            return new TrainerState(s.step(), s.epoch(), s.batchInEpoch(), s.samples(), s.seconds(), s.seed(), s.task(),
                    s.history() == null ? java.util.List.of() : s.history());
        } catch (JsonParseException e) {
            throw new IOException(dir.resolve(STATE) + " is not a trainer state: " + e.getMessage(), e);
        }
    }

    /**
     * Restores weights and optimizer state into a live model / optimizer.
     *
     * @param dir       the checkpoint directory
     * @param model     the model (same architecture)
     * @param optimizer its optimizer
     * @return the trainer state
     * @throws IOException if the files cannot be read or do not match
     */
    public static TrainerState restore(Path dir, FiberModel model, FiberOptimizer optimizer) throws IOException {
        TrainerState state = readState(dir);
        ModelWeights.restore(model, dir.resolve(WEIGHTS));
        Map<String, AdamW.State> states = new LinkedHashMap<>();
        long steps;
        try (SafeTensors st = SafeTensors.open(dir.resolve(OPTIMIZER))) {
            Map<String, TensorRef> t = st.tensors();
            TensorRef stepsRef = t.get("optimizer_steps");
            if (stepsRef == null) {
                throw new IOException(dir.resolve(OPTIMIZER) + " has no optimizer_steps");
            }
            steps = stepsRef.readLongs()[0];
            for (String key : t.keySet()) {
                if (!key.startsWith("exp_avg.")) {
                    continue;
                }
                String name = key.substring("exp_avg.".length());
                TensorRef sq = t.get("exp_avg_sq." + name);
                TensorRef step = t.get("step." + name);
                if (sq == null || step == null) {
                    throw new IOException(dir.resolve(OPTIMIZER) + ": incomplete state for " + name);
                }
                states.put(name, new AdamW.State(t.get(key).readFloats(), sq.readFloats(), step.readLongs()[0]));
            }
        }
        try {
            optimizer.restore(steps, states);
        } catch (IllegalArgumentException e) {
            throw new IOException(dir + ": optimizer state does not fit the model: " + e.getMessage(), e);
        }
        if (steps != state.step()) {
            throw new IOException(dir + ": optimizer has " + steps + " steps but trainer.json says " + state.step());
        }
        return state;
    }

    private static void writeString(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
