package dev.fiber.tasks.finetune;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.fiber.core.config.FiberConfig;
import dev.fiber.core.config.SwinConfig;
import dev.fiber.core.config.TextConfig;
import dev.fiber.core.model.FeatureTrace;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.FiberTransformer;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.model.FusionCache;
import dev.fiber.core.model.ParamSlot;
import dev.fiber.core.model.load.LoadOptions;
import dev.fiber.core.model.roberta.TextMasks;
import dev.fiber.core.text.FiberTokenizer;
import dev.fiber.core.util.ProgressBar;
import dev.fiber.tasks.data.DataLoader;
import dev.fiber.tasks.data.LoaderConfig;
import dev.fiber.tasks.data.VqaBatch;
import dev.fiber.tasks.data.VqaItem;
import dev.fiber.tasks.objectives.VqaObjective;
import dev.fiber.tasks.shapes.QuestionType;
import dev.fiber.tasks.shapes.ShapesConfig;
import dev.fiber.tasks.shapes.ShapesDataset;
import dev.fiber.tasks.train.EvalRecord;
import dev.fiber.tasks.train.Evaluator;
import dev.fiber.tasks.train.Gradients;
import dev.fiber.tasks.train.ModelWeights;
import dev.fiber.tasks.train.NoGrad;
import dev.fiber.tasks.train.OptimConfig;
import dev.fiber.tasks.train.Trainer;
import dev.fiber.tasks.train.TrainerConfig;
import dev.fiber.tasks.train.TrainingResult;
import dev.fiber.tasks.train.TrainingStep;
import dev.fiber.tasks.train.Warmup;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The fine-tuning proof: a small FIBER (the official architecture with every layer count kept and small
 * widths) trained from scratch for VQA on the procedural shapes data ({@link ShapesDataset}, here
 * {@link #PROOF_SHAPES}) with the real training stack ({@link Trainer}: VQA objective, AdamW with FIBER's
 * parameter groups, warmup + linear decay, clipping), several questions per image sharing one pass of the
 * image bottom ({@link #sharedImageStep}), evaluated on held-out examples of another generator seed.
 */
public final class ShapesTraining {

    /** Main metric: accuracy on the held-out set (= VQA score, every question has one answer of score 1). */
    public static final String ACCURACY = "accuracy";

    /**
     * The data of the learning proof: 64 px scenes of 1-2 large shapes (radius 22-30 % of the side) of three
     * kinds (circle, square, triangle) in four colours (red, green, blue, yellow) on grey plain or gradient
     * backgrounds without noise; the four question families, answers drawn first (majority baseline 12.5 %).
     */
    public static final ShapesConfig PROOF_SHAPES = new ShapesConfig(64, 2, 0, 0.22, 0.3, 3, 4);

    /** Name of the data configuration file next to an exported model. */
    public static final String SHAPES_FILE = "shapes.json";

    private ShapesTraining() {}

    /**
     * The data configuration a shapes model was trained on: {@value #SHAPES_FILE} in the model's folder, or
     * {@link #PROOF_SHAPES} when there is none; at the model's resolution.
     *
     * @param modelFile the model's {@code model.safetensors}
     * @param imageSize the model's resolution
     * @return the configuration
     * @throws IOException if the file exists but cannot be read or is invalid
     */
    public static ShapesConfig dataConfig(Path modelFile, int imageSize) throws IOException {
        Path parent = modelFile.toAbsolutePath().getParent();
        Path f = parent == null ? null : parent.resolve(SHAPES_FILE);
        if (f == null || !Files.isRegularFile(f)) {
            return PROOF_SHAPES.withImageSize(imageSize);
        }
        try {
            ShapesConfig c = new com.google.gson.Gson().fromJson(Files.readString(f, StandardCharsets.UTF_8), ShapesConfig.class);
            if (c == null) {
                throw new IOException(f + " is empty");
            }
            // re-validate through the canonical constructor (Gson bypasses it)
            return new ShapesConfig(imageSize, c.maxShapes(), c.maxNoiseSigma(), c.minRadius(), c.maxRadius(), c.kinds(), c.colors());
        } catch (RuntimeException e) {
            throw new IOException("invalid shapes data configuration " + f + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param c the run settings
     * @return the small FIBER architecture: Swin depths (2, 2, 18, 2), 12 text layers, 6 fused, only a VQA head
     *     over the {@link ShapesDataset#ANSWERS}
     */
    public static FiberConfig modelConfig(ShapesTrainingConfig c) {
        int e = c.embedDim();
        SwinConfig swin = new SwinConfig(4, 3, e, List.of(2, 2, 18, 2), List.of(1, 2, 4, 8), 4.0, true, false, true, 1e-5, c.textHidden(),
                c.dropouts().dropPath());
        int heads = c.textHidden() % 32 == 0 ? c.textHidden() / 16 : 2;
        TextConfig text = new TextConfig(c.textHidden(), 12, heads, 4 * c.textHidden(), 50265, 514, 1, 1e-5, 1, c.dropouts().hidden(),
                c.dropouts().attention());
        return new FiberConfig(c.imageSize(), c.imageSize(), "", "roberta-base", 8 * e, c.textHidden(), c.hiddenSize(), heads, 12, 4, 0.0, 6,
                c.maxTextLen(), 50265, ShapesDataset.ANSWERS.size(), true, Map.of("vqa", 1), swin, text);
    }

    /**
     * A freshly initialised model, seeded, gradients enabled: the official initialisation, or with
     * {@code initGain > 0} fan-in scaled weight matrices, depth-scaled residual-branch outputs
     * ({@link #residualDepth}) and the answer logits' bias at the uniform prior ({@link #uniformPriorLogit});
     * fusion gates at {@code fusionGateInit}.
     *
     * @param c the run settings
     * @return the model on the CPU
     */
    public static FiberModel createModel(ShapesTrainingConfig c) {
        Engine.getInstance().setRandomSeed((int) (c.seed() & 0x7fffffff));
        FiberModel model = FiberModel.create(modelConfig(c), LoadOptions.defaults().withDevice(Device.cpu()));
        try (NoGrad ng = NoGrad.enter()) {
            for (Map.Entry<String, ParamSlot> e : model.block().stateDictParameters().entrySet()) {
                String name = e.getKey();
                NDArray p = e.getValue().parameter().getArray();
                if (c.fusionGateInit() != 0 && (name.endsWith(".alpha_i2t") || name.endsWith(".alpha_t2i"))) {
                    p.set(new float[] {(float) c.fusionGateInit()});
                } else if (c.initGain() > 0 && isScaledWeight(name, p.getShape())) {
                    int depth = residualDepth(name, model.config());
                    double gain = depth == 0 ? c.initGain() : c.initGain() / Math.sqrt(2.0 * depth);
                    p.set(fanInNormal(name, p.getShape(), gain, c.seed()));
                } else if (c.initGain() > 0 && name.equals(VQA_OUTPUT_BIAS)) {
                    float[] prior = new float[Math.toIntExact(p.size())];
                    java.util.Arrays.fill(prior, (float) uniformPriorLogit(prior.length));
                    p.set(prior);
                }
            }
        }
        Gradients.enable(model);
        return model;
    }

    /**
     * The VQA training step (official {@code compute_vqa}: fused pass, {@code vqa_classifier}, BCE with logits
     * x number of answers) for batches whose consecutive groups of {@code k} samples share one image
     * ({@link ShapesVqaSource} with {@code k} questions per image). FIBER's image bottom (patch embedding, stages
     * 1-2, the stage-3 blocks below the fusion) never sees the text, so it runs once per image and its output is
     * repeated for the image's questions; the text layers and the fused top run per question. Same loss and
     * gradients as the plain step on the repeated images (tested), for about 1/k of the image-bottom cost.
     *
     * @param model the model
     * @param k     questions per image, &ge; 1 (1 = the plain step)
     * @return the step
     */
    public static TrainingStep<VqaBatch> sharedImageStep(FiberModel model, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("questions per image must be >= 1, got " + k);
        }
        if (k == 1) {
            return VqaFinetune.step(model);
        }
        return (ctx, batch, m) -> {
            int n = batch.inputs().size();
            if (n % k != 0) {
                throw new IllegalArgumentException("batch of " + n + " questions is not a whole number of images with " + k + " questions each");
            }
            FiberTransformer net = model.block();
            VqaFinetune.Inputs in = VqaFinetune.inputs(model, batch, m);                       // images (B*k, 3, S, S), grouped by image
            NDArray unique = in.image().get(new NDIndex("::" + k));                            // (B, 3, S, S)
            NDArray bottom = FusionCache.imageBottom(net, ctx, unique).repeat(0, k);           // (B*k, L, 4C), each image k times in a row
            NDArray extended = TextMasks.padding(in.masks(), model.dataType());
            NDArray text = FusionCache.textBottom(net, ctx, in.ids(), extended);              // (B*k, T, H)
            NDArray cls = FusionCache.fusedTop(net, ctx, bottom, text, extended).clsFeats();
            return VqaObjective.fromClsFeats(net, ctx, cls, in.targets()).loss();
        };
    }

    private static final java.util.regex.Pattern SWIN_RESIDUAL_OUTPUT =
            java.util.regex.Pattern.compile("vit_model\\.layers\\.\\d+\\.blocks\\.\\d+\\.(attn\\.proj|attn\\.proj_i2t|mlp\\.fc2)\\.weight");
    private static final java.util.regex.Pattern TEXT_RESIDUAL_OUTPUT = java.util.regex.Pattern.compile(
            "text_transformer\\.encoder\\.layer\\.\\d+\\.(attention\\.output|crossattention_t2i\\.output|output)\\.dense\\.weight");

    /**
     * Depth scaling of the from-scratch initialisation (as GPT-2 does): the last projection of every residual
     * branch (Swin {@code attn.proj}, {@code attn.proj_i2t}, {@code mlp.fc2}; RoBERTa {@code attention.output.dense},
     * {@code crossattention_t2i.output.dense}, {@code output.dense}) is drawn with its fan-in standard deviation
     * divided by sqrt(2 L), L = the blocks of its backbone (24 Swin blocks, 12 text layers), so its 2 L branches
     * together add about as much variance to the residual stream as it started with, however deep the stack.
     * Measured on the shapes proof: 73.6 % instead of 67.1 % held-out accuracy after 1000 steps
     * (docs/PERFORMANCE.md).
     *
     * @param name   state-dict key
     * @param config the model configuration
     * @return L for a residual-branch output weight, 0 for any other parameter
     */
    static int residualDepth(String name, FiberConfig config) {
        if (SWIN_RESIDUAL_OUTPUT.matcher(name).matches()) {
            return config.swin().depths().stream().mapToInt(Integer::intValue).sum();
        }
        if (TEXT_RESIDUAL_OUTPUT.matcher(name).matches()) {
            return config.text().numHiddenLayers();
        }
        return 0;
    }

    /** The bias of the VQA head's output layer (one logit per answer). */
    static final String VQA_OUTPUT_BIAS = "vqa_classifier.3.bias";

    /**
     * The from-scratch starting value of every answer logit: the log-odds of a uniform answer prior, so the
     * sigmoid outputs start at 1/n instead of 1/2. With zero biases the BCE x n loss starts near n ln 2 and
     * the first hundreds of Adam steps (each moving a parameter by about the lr) are spent pushing the n - 1
     * wrong answers down; the prior start skips that phase (the "prior probability" initialisation of
     * sigmoid classifiers, RetinaNet).
     *
     * @param answers number of answers n, &ge; 2
     * @return log(1 / (n - 1))
     */
    static double uniformPriorLogit(int answers) {
        if (answers < 2) {
            throw new IllegalArgumentException("need at least 2 answers, got " + answers);
        }
        return -Math.log(answers - 1.0);
    }

    /**
     * @param name  state-dict key
     * @param shape parameter shape
     * @return whether {@code initGain} re-initialises it: matrix and convolution weights, not embeddings tables
     *     (nor relative-position tables, norms, biases, gates)
     */
    static boolean isScaledWeight(String name, Shape shape) {
        return name.endsWith(".weight") && shape.dimension() >= 2 && !name.contains("embeddings.");
    }

    /**
     * @param name  state-dict key (seeds the draw with {@code seed})
     * @param shape (out, in, ...) weight shape
     * @param gain  standard deviation x sqrt(fan_in)
     * @param seed  run seed
     * @return N(0, gain² / fan_in) values, fan_in = elements / out
     */
    static float[] fanInNormal(String name, Shape shape, double gain, long seed) {
        long fanIn = shape.size() / shape.get(0);
        double std = gain / Math.sqrt(fanIn);
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ name.hashCode());
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            double g;
            do {
                g = gaussian(r);
            } while (Math.abs(g) > 2);   // truncated at 2 sigma, like timm's trunc_normal_
            v[i] = (float) (g * std);
        }
        return v;
    }

    private static double gaussian(java.util.SplittableRandom r) {
        double u1 = 1.0 - r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /**
     * Renders a held-out set of a given data configuration once, ready for repeated evaluation.
     *
     * @param seed       generator seed
     * @param count      examples
     * @param sc         the data configuration (its image size is the model resolution)
     * @param maxTextLen question length
     * @param tokenizer  tokenizer
     * @return the examples and their question families
     */
    public static HeldOut heldOut(long seed, int count, ShapesConfig sc, int maxTextLen, FiberTokenizer tokenizer) {
        int imageSize = sc.imageSize();
        ShapesVqaSource src = new ShapesVqaSource(seed, count, sc, imageSize, tokenizer, maxTextLen);
        List<VqaItem> items = new ArrayList<>(count);
        QuestionType[] types = new QuestionType[count];
        for (int i = 0; i < count; i++) {
            items.add(src.load(i, null));
            types[i] = ShapesDataset.plan(seed, i, sc).type();
        }
        return new HeldOut(new ListSource<>(items, "shapes held-out seed " + seed), types, src);
    }

    /**
     * A rendered evaluation set.
     *
     * @param items  the examples
     * @param types  question family per example
     * @param source the generator view (answer vocabulary, collator)
     */
    public record HeldOut(ListSource<VqaItem> items, QuestionType[] types, ShapesVqaSource source) {}

    /**
     * @param set the held-out set
     * @param batchSize evaluation batch size
     * @return accuracy overall ({@value #ACCURACY}) and per question family ({@code accuracy_color}, ...)
     */
    public static Evaluator evaluator(HeldOut set, int batchSize) {
        return model -> evaluate(model, set, batchSize);
    }

    /**
     * Accuracy of a model on a held-out set (arg-max answer equals the generator's answer).
     *
     * @param model     the model
     * @param set       the examples
     * @param batchSize batch size
     * @return overall and per-family accuracies
     */
    public static Map<String, Double> evaluate(FiberModel model, HeldOut set, int batchSize) {
        int n = set.items().size();
        int[] correct = new int[QuestionType.values().length + 1];
        int[] total = new int[QuestionType.values().length + 1];
        try (NoGrad ng = NoGrad.enter()) {
            for (int start = 0; start < n; start += batchSize) {
                List<VqaItem> chunk = set.items().items().subList(start, Math.min(n, start + batchSize));
                VqaBatch batch = set.source().collator().collate(chunk);
                try (NDManager m = model.manager().newSubManager()) {
                    NDArray image = batch.inputs().images(m).toDevice(model.device(), false);
                    NDArray ids = batch.inputs().inputIds(m).toDevice(model.device(), false);
                    NDArray masks = batch.inputs().attentionMask(m).toDevice(model.device(), false);
                    NDArray cls = model.block().infer(ForwardContext.INFERENCE, image, ids, masks, FeatureTrace.NONE).clsFeats();
                    long[] pred = model.block().vqaLogits(ForwardContext.INFERENCE, cls).argMax(1).toLongArray();
                    for (int i = 0; i < chunk.size(); i++) {
                        int want = chunk.get(i).targets().labels()[0];
                        int t = set.types()[start + i].ordinal();
                        boolean ok = pred[i] == want;
                        correct[t] += ok ? 1 : 0;
                        total[t]++;
                        correct[correct.length - 1] += ok ? 1 : 0;
                        total[total.length - 1]++;
                    }
                }
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put(ACCURACY, correct[correct.length - 1] / (double) Math.max(1, total[total.length - 1]));
        for (QuestionType t : QuestionType.values()) {
            out.put(ACCURACY + "_" + t.key(), total[t.ordinal()] == 0 ? Double.NaN : correct[t.ordinal()] / (double) total[t.ordinal()]);
        }
        return out;
    }

    /**
     * Trains a fresh model (or resumes one from {@code outputDir/last}).
     *
     * @param c         settings
     * @param tokenizer the RoBERTa tokenizer
     * @param log       progress and evaluation output
     * @param progress  progress bar mode
     * @param listener  receives every evaluation (may be {@code null})
     * @return the trained model (close it) and the training result
     * @throws Exception if training fails
     */
    public static Outcome train(ShapesTrainingConfig c, FiberTokenizer tokenizer, PrintStream log, ProgressBar.Mode progress,
            Consumer<EvalRecord> listener) throws Exception {
        FiberModel model = createModel(c);
        try {
            ShapesConfig sc = c.shapes();
            int count = (int) Math.min(Integer.MAX_VALUE, c.maxSteps() * c.batchSize());
            ShapesVqaSource train = new ShapesVqaSource(c.trainSeed(), count, sc, c.imageSize(), tokenizer, c.maxTextLen(),
                    c.questionsPerImage());
            int micro = c.microBatchThreads();
            DataLoader<VqaItem, VqaBatch> loader = new DataLoader<>(train, train.collator(),
                    new LoaderConfig(c.batchSize() / micro, false, true, c.workers(), 4 * micro, c.seed()));
            HeldOut held = heldOut(c.evalSeed(), c.evalCount(), sc, c.maxTextLen(), tokenizer);
            OptimConfig optim = new OptimConfig(c.learningRate(), 0.01, c.lrMultHead(), c.lrMultCrossModal(), 0, OptimConfig.DecayPower.polynomial(1),
                    Warmup.fraction(c.warmupFraction()), "adamw");
            TrainerConfig tc = new TrainerConfig(1, c.maxSteps(), micro, c.gradientClip(), c.seed(), c.evalEverySteps(), 0, c.outputDir(),
                    c.timeLimit(), optim);
            Trainer<VqaBatch> trainer = new Trainer<>(model, tc, loader, VqaBatch::size, sharedImageStep(model, c.questionsPerImage()),
                    evaluator(held, 100),
                    "shapes-vqa").microBatchThreads(micro).progress(progress).log(log);
            if (listener != null) {
                trainer.onEvaluation(listener);
            }
            TrainingResult result = trainer.run();
            return new Outcome(model, result);
        } catch (Exception | Error e) {
            model.close();
            throw e;
        }
    }

    /**
     * A finished run.
     *
     * @param model  the trained model (owned by the caller)
     * @param result steps, time, history
     */
    public record Outcome(FiberModel model, TrainingResult result) {}

    /**
     * Writes a servable model folder: {@code model.safetensors} (official keys, config metadata),
     * {@code config.json} and {@code answers.txt} (class index = line).
     *
     * @param model the model
     * @param dir   the folder (created)
     * @throws IOException if writing fails
     */
    public static void export(FiberModel model, Path dir) throws IOException {
        export(model, dir, PROOF_SHAPES.withImageSize(model.config().imageSize()));
    }

    /**
     * Writes a servable model folder (see {@link #export(FiberModel, Path)}) plus {@value #SHAPES_FILE}, the data
     * configuration the model was trained on (read back by {@link #dataConfig}).
     *
     * @param model  the model
     * @param dir    the folder (created)
     * @param shapes the training data configuration
     * @throws IOException if writing fails
     */
    public static void export(FiberModel model, Path dir, ShapesConfig shapes) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(SHAPES_FILE), new com.google.gson.GsonBuilder().setPrettyPrinting().create().toJson(shapes),
                StandardCharsets.UTF_8);
        ModelWeights.save(model, dir.resolve("model.safetensors"), Map.of("task", "vqa", "answers", "answers.txt"));
        Files.writeString(dir.resolve("config.json"), model.config().toJson(), StandardCharsets.UTF_8);
        ShapesDataset.answerVocabulary().write(dir.resolve("answers.txt"));
    }
}
