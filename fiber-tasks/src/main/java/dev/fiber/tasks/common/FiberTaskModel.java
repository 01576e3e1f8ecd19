package dev.fiber.tasks.common;

import ai.djl.BaseModel;
import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.load.LoadOptions;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A DJL {@link ai.djl.Model} holding an official FIBER coarse-grained checkpoint set up for one
 * {@link FiberTask}: {@link #load} reads the Lightning checkpoint with the project's pure-Java reader
 * (the PyTorch engine's own loader only reads TorchScript), checks that it has the task's head, and
 * installs the task's {@link FiberTaskBlock}. Use it like any DJL model: {@code newPredictor(translator)},
 * or wrapped in a {@code ZooModel} by {@link FiberModelZoo}.
 *
 * <p>Load options ({@code options} map of {@link #load(Path, String, Map)}): {@code imageSize}
 * (run at another resolution, e.g. 576 as the official evaluation; relative-position tables are
 * resized), {@code strict} ({@code false} tolerates missing / unexpected keys).
 *
 * <p>Thread-safe once loaded: predictors created from it may run in parallel (one predictor per thread).
 */
public final class FiberTaskModel extends BaseModel {

    private final FiberTask task;
    private final Device device;
    private FiberModel fiber;
    private Path checkpoint;

    /**
     * Creates an empty model; call {@link #load(Path, String, Map)}.
     *
     * @param name model name
     * @param task the task it will serve
     * @param device device, or {@code null} for the PyTorch engine's default
     */
    public FiberTaskModel(String name, FiberTask task, Device device) {
        super(name);
        this.task = task;
        this.device = device != null ? device : Engine.getEngine("PyTorch").defaultDevice();
        this.manager = NDManager.newBaseManager(this.device, "PyTorch");
        this.manager.setName("fiberTaskModel");
        this.dataType = DataType.FLOAT32;
    }

    /**
     * Wraps an already loaded model (which this object then owns and closes).
     *
     * @param task the task
     * @param model the loaded model
     * @param checkpoint where it came from (for messages), or {@code null}
     * @return the DJL model
     * @throws CheckpointKindException if the model lacks the task's head
     */
    public static FiberTaskModel of(FiberTask task, FiberModel model, Path checkpoint) {
        FiberTaskModel m = new FiberTaskModel(task.artifactId(), task, model.device());
        try {
            m.install(model, checkpoint);
            return m;
        } catch (RuntimeException e) {
            m.manager.close();
            throw e;
        }
    }

    /**
     * Loads a checkpoint.
     *
     * @param modelPath a checkpoint file ({@code .ckpt}, {@code .safetensors}, {@code .npz}) or a folder
     *     holding one (or {@code <prefix>.ckpt})
     * @param prefix file name stem to look for in a folder, or {@code null}
     * @param options {@code imageSize}, {@code strict}
     * @throws IOException if the file is missing or unreadable, or does not fit the FIBER architecture
     * @throws CheckpointKindException if the checkpoint lacks the task's head
     */
    @Override
    public void load(Path modelPath, String prefix, Map<String, ?> options) throws IOException, MalformedModelException {
        if (fiber != null) {
            throw new IllegalStateException("model already loaded from " + checkpoint);
        }
        Path file = findCheckpoint(modelPath, prefix);
        LoadOptions lo = LoadOptions.defaults().withDevice(device)
                .withImageSize(TaskArguments.intArg(options, "imageSize", 0))
                .withStrict(TaskArguments.boolArg(options, "strict", true));
        FiberModel loaded = FiberModel.load(file, lo);
        try {
            install(loaded, file);
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    private void install(FiberModel model, Path file) {
        task.checkHeads(model.config(), file == null ? "(in memory)" : file.toString());
        this.fiber = model;
        this.checkpoint = file;
        this.block = task.newBlock(model);
        this.modelDir = file == null ? null : file.toAbsolutePath().getParent();
        this.wasLoaded = true;
        setProperty("imageSize", Integer.toString(model.config().imageSize()));
        setProperty("maxTextLen", Integer.toString(model.config().maxTextLen()));
        if (file != null) {
            setProperty("checkpoint", file.toAbsolutePath().toString());
        }
    }

    private static Path findCheckpoint(Path modelPath, String prefix) throws IOException {
        if (Files.isRegularFile(modelPath)) {
            return modelPath;
        }
        if (!Files.isDirectory(modelPath)) {
            throw new FileNotFoundException("no FIBER checkpoint at " + modelPath.toAbsolutePath());
        }
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(modelPath)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                boolean ext = n.endsWith(".ckpt") || n.endsWith(".safetensors") || n.endsWith(".npz");
                if (Files.isRegularFile(p) && ext && (prefix == null || n.startsWith(prefix + "."))) {
                    found.add(p);
                }
            }
        }
        if (found.size() != 1) {
            throw new FileNotFoundException(found.isEmpty()
                    ? "no FIBER checkpoint (.ckpt, .safetensors, .npz) in " + modelPath.toAbsolutePath()
                    : "several checkpoints in " + modelPath.toAbsolutePath() + " " + found + "; name one");
        }
        return found.get(0);
    }

    /** @return the task */
    public FiberTask task() {
        return task;
    }

    /**
     * @return the loaded FIBER model
     * @throws IllegalStateException before loading
     */
    public FiberModel fiberModel() {
        if (fiber == null) {
            throw new IllegalStateException("model not loaded");
        }
        return fiber;
    }

    /** @return the checkpoint file, or {@code null} for a wrapped in-memory model */
    public Path checkpoint() {
        return checkpoint;
    }

    @Override
    public void close() {
        if (fiber != null) {
            fiber.close();
            fiber = null;
        }
        super.close();
    }
}
