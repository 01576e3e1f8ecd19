package dev.fiber.tasks.finetune;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fiber.core.config.FiberConfig;
import dev.fiber.core.config.SwinConfig;
import dev.fiber.core.config.TextConfig;
import dev.fiber.core.model.FeatureTrace;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.model.ParamSlot;
import dev.fiber.core.model.load.LoadOptions;
import dev.fiber.core.text.FiberTokenizer;
import dev.fiber.core.util.ProgressBar;
import dev.fiber.tasks.data.DataLoader;
import dev.fiber.tasks.data.LoaderConfig;
import dev.fiber.tasks.data.VqaBatch;
import dev.fiber.tasks.data.VqaItem;
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
 * widths) trained from scratch for VQA on the procedural shapes data ({@link ShapesDataset}) with the real
 * training stack ({@link Trainer}: VQA objective, AdamW with FIBER's parameter groups, warmup + linear
 * decay), evaluated on held-out examples of another generator seed.
 */
public final class ShapesTraining {

    /** Main metric: accuracy on the held-out set (= VQA score, every question has one answer of score 1). */
    public static final String ACCURACY = "accuracy";

    private ShapesTraining() {}

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
     * A freshly initialised model (official initialisation scales, seeded), gradients enabled.
     *
     * @param c the run settings
     * @return the model on the CPU
     */
    public static FiberModel createModel(ShapesTrainingConfig c) {
        Engine.getInstance().setRandomSeed((int) (c.seed() & 0x7fffffff));
        FiberModel model = FiberModel.create(modelConfig(c), LoadOptions.defaults().withDevice(Device.cpu()));
        if (c.fusionGateInit() != 0) {
            try (NoGrad ng = NoGrad.enter()) {
                for (Map.Entry<String, ParamSlot> e : model.block().stateDictParameters().entrySet()) {
                    if (e.getKey().endsWith(".alpha_i2t") || e.getKey().endsWith(".alpha_t2i")) {
                        e.getValue().parameter().getArray().set(new float[] {(float) c.fusionGateInit()});
                    }
                }
            }
        }
        Gradients.enable(model);
        return model;
    }

    /**
     * Renders a held-out set once, ready for repeated evaluation.
     *
     * @param seed       generator seed
     * @param count      examples
     * @param imageSize  model resolution
     * @param maxTextLen question length
     * @param tokenizer  tokenizer
     * @return the examples and their question families
     */
    public static HeldOut heldOut(long seed, int count, int imageSize, int maxTextLen, FiberTokenizer tokenizer) {
        ShapesConfig sc = ShapesConfig.DEFAULT.withImageSize(imageSize);
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
            ShapesConfig sc = ShapesConfig.DEFAULT.withImageSize(c.imageSize());
            int count = (int) Math.min(Integer.MAX_VALUE, c.maxSteps() * c.batchSize());
            ShapesVqaSource train = new ShapesVqaSource(c.trainSeed(), count, sc, c.imageSize(), tokenizer, c.maxTextLen());
            DataLoader<VqaItem, VqaBatch> loader = new DataLoader<>(train, train.collator(),
                    new LoaderConfig(c.batchSize(), false, true, c.workers(), 4, c.seed()));
            HeldOut held = heldOut(c.evalSeed(), c.evalCount(), c.imageSize(), c.maxTextLen(), tokenizer);
            OptimConfig optim = new OptimConfig(c.learningRate(), 0.01, 5, 5, 0, OptimConfig.DecayPower.polynomial(1),
                    Warmup.fraction(c.warmupFraction()), "adamw");
            TrainerConfig tc = new TrainerConfig(1, c.maxSteps(), 1, 0, c.seed(), c.evalEverySteps(), 0, c.outputDir(), c.timeLimit(), optim);
            Trainer<VqaBatch> trainer = new Trainer<>(model, tc, loader, VqaBatch::size, VqaFinetune.step(model), evaluator(held, 100),
                    "shapes-vqa").progress(progress).log(log);
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
        Files.createDirectories(dir);
        ModelWeights.save(model, dir.resolve("model.safetensors"), Map.of("task", "vqa", "answers", "answers.txt"));
        Files.writeString(dir.resolve("config.json"), model.config().toJson(), StandardCharsets.UTF_8);
        ShapesDataset.answerVocabulary().write(dir.resolve("answers.txt"));
    }
}
