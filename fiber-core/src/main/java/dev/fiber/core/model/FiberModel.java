package dev.fiber.core.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fiber.core.config.FiberConfig;
import dev.fiber.core.model.load.CheckpointWeightSource;
import dev.fiber.core.model.load.LoadOptions;
import dev.fiber.core.model.load.LoadReport;
import dev.fiber.core.model.load.ModelLoadException;
import dev.fiber.core.model.load.NpzWeightSource;
import dev.fiber.core.model.load.StateDictLoader;
import dev.fiber.core.model.load.WeightSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A FIBER coarse-grained model ready to run: the {@link FiberTransformer} block with its parameters
 * loaded from an official checkpoint (or freshly initialised), on one device, in float32 (or
 * float16 on GPU), owning the NDManager of its parameters.
 *
 * <p>The inference methods run in eval mode (no dropout), each inside a temporary NDManager: the
 * inputs are temporarily attached to it (and moved to the model's device / precision), every
 * intermediate is freed when the call returns, and only the returned arrays survive, attached to
 * the caller's {@code out} manager (on the model's device). Calls may run concurrently, as long
 * as concurrent calls do not share input arrays (each call lends its inputs to its own scope).
 *
 * <p>For training, use {@link #block()} with a DJL {@code ParameterStore} and a
 * {@link ForwardContext} in training mode.
 */
public final class FiberModel implements AutoCloseable {

    private final FiberConfig config;
    private final FiberTransformer block;
    private final NDManager manager;
    private final Device device;
    private final DataType dataType;
    private final LoadReport report;

    private FiberModel(FiberConfig config, FiberTransformer block, NDManager manager, DataType dataType, LoadReport report) {
        this.config = config;
        this.block = block;
        this.manager = manager;
        this.device = manager.getDevice();
        this.dataType = dataType;
        this.report = report;
    }

    /**
     * Loads an official FIBER coarse-grained checkpoint strictly, with its own configuration, on
     * the default device in float32.
     *
     * @param checkpoint a Lightning {@code .ckpt} (also {@code .safetensors} / {@code .npz} of the state dict)
     * @return the model
     * @throws IOException if the file cannot be read or does not fit (the message lists the keys)
     */
    public static FiberModel load(Path checkpoint) throws IOException {
        return load(checkpoint, LoadOptions.defaults());
    }

    /**
     * @param checkpoint a Lightning {@code .ckpt} (or an {@code .npz} of the state dict)
     * @param options configuration / resolution override, strictness, device, precision
     * @return the model
     * @throws IOException if the file cannot be read or does not fit
     */
    public static FiberModel load(Path checkpoint, LoadOptions options) throws IOException {
        try (WeightSource source = openWeights(checkpoint)) {
            return load(source, options);
        }
    }

    /**
     * @param source the state-dict tensors (and stored config)
     * @param options configuration / resolution override, strictness, device, precision
     * @return the model
     * @throws IOException if reading fails or the tensors do not fit
     */
    public static FiberModel load(WeightSource source, LoadOptions options) throws IOException {
        FiberConfig cfg;
        try {
            cfg = options.config() != null ? options.config() : FiberConfig.fromCheckpoint(source.config(), source.shapes());
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("cannot determine the FIBER architecture of " + source.describe() + ": " + e.getMessage(), e);
        }
        if (options.imageSize() > 0 && options.imageSize() != cfg.imageSize()) {
            cfg = cfg.withImageSize(options.imageSize());
        }
        Device device = resolveDevice(options);
        NDManager manager = NDManager.newBaseManager(device);
        try {
            FiberTransformer block = new FiberTransformer(cfg);
            LoadReport report = StateDictLoader.load(block, source, manager, options.dataType(), options.strict());
            block.prepareConstants(manager, options.dataType());
            return new FiberModel(cfg, block, manager, options.dataType(), report);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Creates a model with freshly initialised parameters (official initialisation scales; use
     * {@code Engine.getInstance().setRandomSeed} for reproducibility).
     *
     * @param config architecture
     * @param options device and precision (other fields are ignored)
     * @return the model
     */
    public static FiberModel create(FiberConfig config, LoadOptions options) {
        Device device = resolveDevice(options);
        NDManager manager = NDManager.newBaseManager(device);
        try {
            FiberTransformer block = new FiberTransformer(config);
            List<String> keys = new ArrayList<>();
            for (Map.Entry<String, ParamSlot> e : block.stateDictParameters().entrySet()) {
                ParamSlot slot = e.getValue();
                slot.parameter().setArray(slot.init().create(manager, slot.shape(), options.dataType()));
                keys.add(e.getKey());
            }
            block.prepareConstants(manager, options.dataType());
            LoadReport report = new LoadReport("fresh initialisation", List.of(), keys, List.of(), List.of(), List.of(), List.of());
            return new FiberModel(config, block, manager, options.dataType(), report);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Opens the tensors of a checkpoint file.
     *
     * @param path torch checkpoint ({@code .ckpt}, {@code .pt}, {@code .pth}), {@code .safetensors},
     *     or {@code .npz} dump of a state dict
     * @return a weight source (close it)
     * @throws IOException if it cannot be opened
     */
    public static WeightSource openWeights(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new java.io.FileNotFoundException("no checkpoint at " + path);
        }
        String name = path.getFileName().toString();
        if (name.endsWith(".npz")) {
            return new NpzWeightSource(path, null);
        }
        if (name.endsWith(".safetensors")) {
            return CheckpointWeightSource.openSafetensors(path);
        }
        return CheckpointWeightSource.openTorch(path);
    }

    private static Device resolveDevice(LoadOptions options) {
        Device device = options.device() != null ? options.device() : Engine.getInstance().defaultDevice();
        if (options.dataType() == DataType.FLOAT16 && !device.isGpu()) {
            throw new IllegalArgumentException("float16 inference is only supported on GPU, not " + device);
        }
        return device;
    }

    /** @return the architecture */
    public FiberConfig config() {
        return config;
    }

    /** @return the network as a DJL block (parameters named by state-dict key via {@link StateDictBlock#stateDictParameters()}) */
    public FiberTransformer block() {
        return block;
    }

    /** @return the manager owning the parameters and constants */
    public NDManager manager() {
        return manager;
    }

    /** @return the device of the parameters */
    public Device device() {
        return device;
    }

    /** @return the floating precision of the parameters */
    public DataType dataType() {
        return dataType;
    }

    /** @return what loading did (missing / unexpected / skipped / resized keys) */
    public LoadReport loadReport() {
        return report;
    }

    /**
     * The fused pass (official {@code infer}).
     *
     * @param out manager that will own the results
     * @param image (B, 3, S, S) normalised pixels
     * @param textIds (B, T) token ids (int64 or int32)
     * @param textMasks (B, T) attention mask
     * @return text, image and cls features
     */
    public FusedFeatures infer(NDManager out, NDArray image, NDArray textIds, NDArray textMasks) {
        return infer(out, image, textIds, textMasks, FeatureTrace.NONE);
    }

    /**
     * The fused pass, reporting intermediates to {@code trace} (valid only during the call).
     *
     * @param out manager that will own the results
     * @param image (B, 3, S, S)
     * @param textIds (B, T)
     * @param textMasks (B, T)
     * @param trace receiver of intermediates
     * @return text, image and cls features
     */
    public FusedFeatures infer(NDManager out, NDArray image, NDArray textIds, NDArray textMasks, FeatureTrace trace) {
        return run(out, in -> block.infer(ForwardContext.INFERENCE, image(in[0]), ids(in[1]), in[2], trace),
                f -> new NDArray[] {f.textFeats(), f.imageFeats(), f.clsFeats()}, image, textIds, textMasks);
    }

    /**
     * The uni-modal text path for ITC (official {@code infer(text_only=True)}).
     *
     * @param out manager that will own the results
     * @param textIds (B, T)
     * @param textMasks (B, T)
     * @return text features and normalised cls
     */
    public UniModalFeatures inferText(NDManager out, NDArray textIds, NDArray textMasks) {
        return run(out, in -> block.inferText(ForwardContext.INFERENCE, ids(in[0]), in[1]), f -> new NDArray[] {f.feats(), f.cls()},
                textIds, textMasks);
    }

    /**
     * The uni-modal image path for ITC (official {@code infer(image_only=True)}).
     *
     * @param out manager that will own the results
     * @param image (B, 3, S, S)
     * @return image features and normalised cls
     */
    public UniModalFeatures inferImage(NDManager out, NDArray image) {
        return run(out, in -> block.inferImage(ForwardContext.INFERENCE, image(in[0])), f -> new NDArray[] {f.feats(), f.cls()}, image);
    }

    /**
     * The image part of captioning (Swin without fusion or final norm), reusable across decoding steps.
     *
     * @param out manager that will own the result
     * @param image (B, 3, S, S)
     * @return (B, (S/32)^2, DIM_IMG)
     */
    public NDArray captionImageEmbeds(NDManager out, NDArray image) {
        return run(out, in -> block.captionImageEmbeds(ForwardContext.INFERENCE, image(in[0])), r -> new NDArray[] {r}, image);
    }

    /**
     * The captioning pass (official {@code infer_caption}) from images.
     *
     * @param out manager that will own the results
     * @param image (B, 3, S, S)
     * @param textIds (B, T)
     * @param textMasks (B, T)
     * @return caption features
     */
    public CaptionFeatures inferCaption(NDManager out, NDArray image, NDArray textIds, NDArray textMasks) {
        return run(out, in -> {
            NDArray embeds = block.captionImageEmbeds(ForwardContext.INFERENCE, image(in[0]));
            return block.inferCaption(ForwardContext.INFERENCE, embeds, ids(in[1]), in[2]);
        }, f -> new NDArray[] {f.textFeats(), f.imageEmbeds(), f.clsFeats()}, image, textIds, textMasks);
    }

    /**
     * The captioning pass (official {@code infer_caption(image_embeds=...)}) from precomputed
     * {@link #captionImageEmbeds}; the returned {@code imageEmbeds} is the given array.
     *
     * @param out manager that will own the results
     * @param imageEmbeds (B, L, DIM_IMG)
     * @param textIds (B, T)
     * @param textMasks (B, T)
     * @return caption features
     */
    public CaptionFeatures inferCaptionFromEmbeds(NDManager out, NDArray imageEmbeds, NDArray textIds, NDArray textMasks) {
        CaptionFeatures f = run(out, in -> block.inferCaption(ForwardContext.INFERENCE, floats(in[0]), ids(in[1]), in[2]),
                c -> new NDArray[] {c.textFeats(), c.clsFeats()}, imageEmbeds, textIds, textMasks);
        return new CaptionFeatures(f.textFeats(), imageEmbeds, f.clsFeats());
    }

    /**
     * @param out manager that will own the result
     * @param clsFeats (B, 2h)
     * @return ITM logits (B, 2)
     */
    public NDArray itmLogits(NDManager out, NDArray clsFeats) {
        return run(out, in -> block.itmLogits(ForwardContext.INFERENCE, floats(in[0])), r -> new NDArray[] {r}, clsFeats);
    }

    /**
     * @param out manager that will own the result
     * @param clsFeats (B, 2h)
     * @return VQA logits (B, vqav2_label_size)
     */
    public NDArray vqaLogits(NDManager out, NDArray clsFeats) {
        return run(out, in -> block.vqaLogits(ForwardContext.INFERENCE, floats(in[0])), r -> new NDArray[] {r}, clsFeats);
    }

    /**
     * @param out manager that will own the result
     * @param clsFeats1 (B, 2h) of {@code image}
     * @param clsFeats2 (B, 2h) of {@code image_1}
     * @return NLVR2 logits (B, 2)
     */
    public NDArray nlvr2Logits(NDManager out, NDArray clsFeats1, NDArray clsFeats2) {
        return run(out, in -> block.nlvr2Logits(ForwardContext.INFERENCE, floats(in[0]), floats(in[1])), r -> new NDArray[] {r},
                clsFeats1, clsFeats2);
    }

    /**
     * @param out manager that will own the result
     * @param textFeats (B, T, h)
     * @return MLM / caption logits (B, T, vocab)
     */
    public NDArray mlmLogits(NDManager out, NDArray textFeats) {
        return run(out, in -> block.mlmLogits(ForwardContext.INFERENCE, floats(in[0])), r -> new NDArray[] {r}, textFeats);
    }

    /**
     * @param out manager that will own the result
     * @param imageCls (Bi, h) from {@link #inferImage}
     * @param textCls (Bt, h) from {@link #inferText}
     * @return ITC similarities {@code image_cls @ text_cls^T / temp} (Bi, Bt)
     */
    public NDArray itcSimilarity(NDManager out, NDArray imageCls, NDArray textCls) {
        return run(out, in -> block.itcSimilarity(ForwardContext.INFERENCE, floats(in[0]), floats(in[1])), r -> new NDArray[] {r},
                imageCls, textCls);
    }

    private NDArray image(NDArray x) {
        return floats(x);
    }

    private NDArray floats(NDArray x) {
        if (!x.getDataType().isFloating()) {
            throw new IllegalArgumentException("expected a floating-point array, got " + x.getDataType());
        }
        return x.toType(dataType, false);
    }

    private NDArray ids(NDArray x) {
        if (x.getDataType().isFloating() || x.getDataType() == DataType.BOOLEAN) {
            throw new IllegalArgumentException("text_ids must be integer token ids, got " + x.getDataType());
        }
        NDArray ids = x.getDataType() == DataType.INT64 ? x : x.toType(DataType.INT64, false);
        block.textTransformer().embeddings().validate(ids);
        return ids;
    }

    private <T> T run(NDManager out, Function<NDArray[], T> body, Function<T, NDArray[]> results, NDArray... inputs) {
        Map<NDArray, Boolean> given = new IdentityHashMap<>();
        for (NDArray a : inputs) {
            if (a == null) {
                throw new IllegalArgumentException("input arrays must not be null");
            }
            given.put(a, Boolean.TRUE);
        }
        try (NDManager scope = out.newSubManager(device)) {
            // inputs are lent to the scope (each once, even if passed twice) and returned on close
            scope.tempAttachAll(given.keySet().toArray(new NDArray[0]));
            NDArray[] moved = new NDArray[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                moved[i] = inputs[i].toDevice(device, false);
            }
            T r = body.apply(moved);
            for (NDArray a : results.apply(r)) {
                if (!given.containsKey(a)) {
                    a.attach(out);
                }
            }
            return r;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
