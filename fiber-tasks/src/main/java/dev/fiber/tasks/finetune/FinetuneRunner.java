package dev.fiber.tasks.finetune;

import ai.djl.Device;
import dev.fiber.core.config.FiberConfig;
import dev.fiber.core.hub.CheckpointResolver;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.load.LoadOptions;
import dev.fiber.core.model.load.WeightSource;
import dev.fiber.core.text.FiberTokenizer;
import dev.fiber.core.util.ProgressBar;
import dev.fiber.tasks.data.CaptionDataset;
import dev.fiber.tasks.data.DataLoader;
import dev.fiber.tasks.data.FolderImageSource;
import dev.fiber.tasks.data.ImageSource;
import dev.fiber.tasks.data.ImageTextBatch;
import dev.fiber.tasks.data.ImageTransform;
import dev.fiber.tasks.data.LoaderConfig;
import dev.fiber.tasks.data.Nlvr2Batch;
import dev.fiber.tasks.data.Nlvr2Dataset;
import dev.fiber.tasks.data.Nlvr2Example;
import dev.fiber.tasks.data.Nlvr2Reader;
import dev.fiber.tasks.data.VqaBatch;
import dev.fiber.tasks.data.VqaDataset;
import dev.fiber.tasks.data.VqaQuestion;
import dev.fiber.tasks.data.VqaV2Reader;
import dev.fiber.tasks.data.ZipImageSource;
import dev.fiber.tasks.objectives.ItcQueue;
import dev.fiber.tasks.objectives.NegativeSampler;
import dev.fiber.tasks.retrieval.KarpathyDataset;
import dev.fiber.tasks.train.Dropouts;
import dev.fiber.tasks.train.Gradients;
import dev.fiber.tasks.train.ModelWeights;
import dev.fiber.tasks.train.Trainer;
import dev.fiber.tasks.train.TrainerConfig;
import dev.fiber.tasks.train.TrainingCheckpoint;
import dev.fiber.tasks.train.TrainingResult;
import dev.fiber.tasks.vqa.AnswerVocabulary;
import dev.fiber.tasks.vqa.VqaVocabularyBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link FinetuneConfig}: loads the pre-trained checkpoint with the task's heads added (the VQA / NLVR2
 * classifiers always start fresh, initialised as the official {@code init_weights} does, see
 * {@link HeadlessWeights}), builds the training and validation data of the
 * task, trains with {@link Trainer} (resuming from {@code output_dir/last} if present) and exports the
 * final model to {@code output_dir/final} ({@code model.safetensors}, {@code config.json}, and for VQA
 * {@code answers.txt}).
 */
public final class FinetuneRunner {

    private FinetuneRunner() {}

    /**
     * @param c        the job
     * @param log      progress / evaluation output
     * @param progress progress bar mode
     * @return the training result
     * @throws Exception if loading, training or saving fails
     */
    public static TrainingResult run(FinetuneConfig c, PrintStream log, ProgressBar.Mode progress) throws Exception {
        FiberTokenizer tokenizer = FiberTokenizer.roberta();
        AnswerVocabulary answers = "vqa".equals(c.task()) ? vqaAnswers(c) : null;
        Path ckpt = CheckpointResolver.defaults().resolve(c.checkpoint());
        FiberModel model;
        try (WeightSource src = new HeadlessWeights(FiberModel.openWeights(ckpt))) {
            FiberConfig base = FiberConfig.fromCheckpoint(src.config(), src.shapes());
            FiberConfig cfg = taskConfig(base, c, answers == null ? base.vqav2LabelSize() : answers.size());
            Device device = "gpu".equals(c.device()) ? Device.gpu() : Device.cpu();
            model = FiberModel.load(src, LoadOptions.defaults().withConfig(cfg).withStrict(false).withDevice(device));
        }
        try {
            log.println("loaded " + ckpt + ": " + model.loadReport().missing().size() + " new parameters (task heads), "
                    + model.loadReport().unexpected().size() + " checkpoint tensors unused");
            Gradients.enable(model);
            int s = model.config().imageSize();
            ImageTransform trainTf = ImageTransform.forKey(c.trainTransform(), s);
            ImageTransform valTf = ImageTransform.forKey(c.valTransform(), s);
            TrainerConfig tc = new TrainerConfig(c.maxEpoch(), c.maxSteps(), c.accumulate(), c.gradientClipVal(), c.seed(), c.evalEverySteps(),
                    c.saveEverySteps(), c.outputDir(), c.timeLimitMinutes() == null ? null
                            : Duration.ofMillis((long) (c.timeLimitMinutes() * 60_000)), c.optim());
            LoaderConfig trainLoad = new LoaderConfig(c.microBatchSize(), true, false, c.numWorkers(), Math.max(2, 2 * c.numWorkers()), c.seed());
            LoaderConfig valLoad = new LoaderConfig(c.microBatchSize(), false, false, c.numWorkers(), Math.max(2, 2 * c.numWorkers()), c.seed());
            TrainingResult result;
            try (ImageSource images = openImages(c.dataPath("images"))) {
                result = switch (c.task()) {
                    case "vqa" -> {
                        List<VqaQuestion> train = VqaDataset.withTargets(questions(c, "train"), answers);
                        List<VqaQuestion> val = limit(questions(c, "val"), c.valLimit());
                        VqaDataset tr = new VqaDataset(train, images, trainTf, tokenizer, c.maxTextLen(), answers);
                        VqaDataset va = new VqaDataset(val, images, valTf, tokenizer, c.maxTextLen(), answers);
                        Trainer<VqaBatch> t = new Trainer<>(model, tc, new DataLoader<>(tr, tr.collator(), trainLoad), VqaBatch::size,
                                VqaFinetune.step(model), VqaFinetune.evaluator(new DataLoader<>(va, va.collator(), valLoad)), "vqa");
                        yield t.progress(progress).log(log).run();
                    }
                    case "nlvr2" -> {
                        List<Nlvr2Example> train = Nlvr2Reader.read(c.dataPath("train"));
                        List<Nlvr2Example> dev = limit(Nlvr2Reader.read(c.dataPath("dev")), c.valLimit());
                        Nlvr2Dataset tr = new Nlvr2Dataset(train, images, trainTf, tokenizer, c.maxTextLen());
                        Nlvr2Dataset va = new Nlvr2Dataset(dev, images, valTf, tokenizer, c.maxTextLen());
                        Trainer<Nlvr2Batch> t = new Trainer<>(model, tc, new DataLoader<>(tr, tr.collator(), trainLoad), Nlvr2Batch::size,
                                Nlvr2Finetune.step(model), Nlvr2Finetune.evaluator(new DataLoader<>(va, va.collator(), valLoad)), "nlvr2");
                        yield t.progress(progress).log(log).run();
                    }
                    case "retrieval" -> retrieval(c, model, tc, images, trainTf, valTf, tokenizer, trainLoad, log, progress);
                    case "caption" -> {
                        KarpathyDataset k = KarpathyDataset.read(c.dataPath("karpathy"));
                        CaptionDataset tr = new CaptionDataset(k.split(splits(c, "train_splits", CaptionDataset.OFFICIAL_TRAIN_SPLITS)), images,
                                trainTf, tokenizer, c.maxTextLen());
                        CaptionDataset va = new CaptionDataset(limit(k.split(splits(c, "val_splits", CaptionDataset.OFFICIAL_TEST_SPLITS)),
                                c.valLimit()), images, valTf, tokenizer, c.maxTextLen());
                        long pad = tokenizer.padId();
                        Trainer<ImageTextBatch> t = new Trainer<>(model, tc, new DataLoader<>(tr, ImageTextBatch::collate, trainLoad),
                                ImageTextBatch::size, CaptionFinetune.step(model, pad),
                                CaptionFinetune.evaluator(new DataLoader<>(va, ImageTextBatch::collate, valLoad), pad), "caption");
                        yield t.progress(progress).log(log).run();
                    }
                    default -> throw new IllegalArgumentException("unknown task " + c.task());
                };
            }
            Path fin = c.outputDir().resolve("final");
            Files.createDirectories(fin);
            ModelWeights.save(model, fin.resolve("model.safetensors"), Map.of("task", c.task()));
            Files.writeString(fin.resolve("config.json"), model.config().toJson(), StandardCharsets.UTF_8);
            if (answers != null) {
                answers.write(fin.resolve("answers.txt"));
            }
            log.println("final model written to " + fin);
            return result;
        } finally {
            model.close();
        }
    }

    private static TrainingResult retrieval(FinetuneConfig c, FiberModel model, TrainerConfig tc, ImageSource images, ImageTransform trainTf,
            ImageTransform valTf, FiberTokenizer tokenizer, LoaderConfig trainLoad, PrintStream log, ProgressBar.Mode progress)
            throws Exception {
        KarpathyDataset k = KarpathyDataset.read(c.dataPath("karpathy"));
        CaptionDataset tr = new CaptionDataset(k.split(splits(c, "train_splits", CaptionDataset.OFFICIAL_TRAIN_SPLITS)), images, trainTf,
                tokenizer, c.maxTextLen());
        KarpathyDataset val = new KarpathyDataset(k.dataset(), limit(k.split(splits(c, "val_splits", CaptionDataset.OFFICIAL_TEST_SPLITS)),
                c.valLimit()));
        boolean itm = Boolean.parseBoolean(c.dataString("itm", "false"));
        int queueSize = (int) Double.parseDouble(c.dataString("queue_size", Integer.toString(ItcQueue.FIBER_SIZE)));
        ItcQueue[] queue = {ItcQueue.fresh(model.manager(), model.config().hiddenSize(), queueSize, c.seed())};
        NegativeSampler sampler = NegativeSampler.seeded(c.seed() ^ 0x5DEECE66DL);
        Trainer<ImageTextBatch> t = new Trainer<>(model, tc, new DataLoader<>(tr, ImageTextBatch::collate, trainLoad), ImageTextBatch::size,
                (ctx, batch, m) -> RetrievalFinetune.step(model, queue[0], sampler, itm).loss(ctx, batch, m),
                RetrievalFinetune.evaluator(val.gallery(val.images().isEmpty() ? new String[0] : splitsOf(val)), images, valTf, tokenizer,
                        c.maxTextLen(), c.microBatchSize()), "retrieval");
        t.taskState(dir -> RetrievalFinetune.saveQueue(queue[0], dir), dir -> {
            ItcQueue restored = RetrievalFinetune.loadQueue(model.manager(), dir);
            queue[0].close();
            queue[0] = restored;
        });
        try {
            return t.progress(progress).log(log).run();
        } finally {
            queue[0].close();
        }
    }

    private static String[] splitsOf(KarpathyDataset d) {
        return d.images().stream().map(KarpathyDataset.Image::split).distinct().toArray(String[]::new);
    }

    /**
     * The task's architecture: the checkpoint's, with the task's heads ({@code loss_names}), resolution,
     * text length, answer count and dropout rates.
     *
     * @param base       the checkpoint's configuration
     * @param c          the job
     * @param numAnswers VQA classes
     * @return the configuration
     */
    public static FiberConfig taskConfig(FiberConfig base, FinetuneConfig c, int numAnswers) {
        Map<String, Integer> losses = new LinkedHashMap<>();
        switch (c.task()) {
            case "vqa" -> losses.put("vqa", 1);
            case "nlvr2" -> losses.put("nlvr2", 1);
            case "retrieval" -> {
                losses.put("itc", 1);
                if (Boolean.parseBoolean(c.dataString("itm", "false"))) {
                    losses.put("itm", 1);
                }
            }
            case "caption" -> losses.put("caption_mle", 1);
            default -> throw new IllegalArgumentException("unknown task " + c.task());
        }
        FiberConfig cfg = new FiberConfig(base.imageSize(), base.resolutionBefore(), base.vit(), base.tokenizer(), base.inputImageEmbedSize(),
                base.inputTextEmbedSize(), base.hiddenSize(), base.numHeads(), base.numLayers(), base.mlpRatio(), base.dropRate(),
                base.numFuseBlock(), c.maxTextLen(), base.vocabSize(), numAnswers, base.itcPooler(), losses, base.swin(), base.text());
        if (c.imageSize() > 0 && c.imageSize() != cfg.imageSize()) {
            cfg = cfg.withImageSize(c.imageSize());
        }
        Dropouts d = Dropouts.of(cfg);
        d = new Dropouts(c.hiddenDropout() == null ? d.hidden() : c.hiddenDropout(), c.attentionDropout() == null ? d.attention()
                : c.attentionDropout(), c.dropPath() == null ? d.dropPath() : c.dropPath());
        return d.applyTo(cfg);
    }

    private static AnswerVocabulary vqaAnswers(FinetuneConfig c) throws IOException {
        Object a = c.data().get("answers");
        if (a != null) {
            return AnswerVocabulary.read(Path.of(String.valueOf(a)));
        }
        VqaVocabularyBuilder b = new VqaVocabularyBuilder();
        for (String split : new String[] {"train", "val"}) {
            for (VqaQuestion q : questions(c, split)) {
                if (q.annotated()) {
                    b.add(q.multipleChoiceAnswer());
                }
            }
        }
        return b.build();
    }

    @SuppressWarnings("unchecked")
    private static List<VqaQuestion> questions(FinetuneConfig c, String split) throws IOException {
        Object v = c.data().get(split);
        if (v == null) {
            throw new IllegalArgumentException("data." + split + " is required for task vqa: a list of {\"questions\", \"annotations\"}");
        }
        List<Object> parts = v instanceof List<?> l ? (List<Object>) l : List.of(v);
        List<VqaQuestion> out = new ArrayList<>();
        for (Object p : parts) {
            if (!(p instanceof Map<?, ?> m) || m.get("questions") == null) {
                throw new IllegalArgumentException("data." + split + " entries must be objects with \"questions\" (and \"annotations\")");
            }
            Object ann = m.get("annotations");
            out.addAll(VqaV2Reader.read(Path.of(String.valueOf(m.get("questions"))), ann == null ? null : Path.of(String.valueOf(ann)))
                    .questions());
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static String[] splits(FinetuneConfig c, String key, List<String> def) {
        Object v = c.data().get(key);
        if (v == null) {
            return def.toArray(new String[0]);
        }
        if (v instanceof List<?> l) {
            return ((List<Object>) l).stream().map(String::valueOf).toArray(String[]::new);
        }
        return new String[] {String.valueOf(v)};
    }

    private static <T> List<T> limit(List<T> items, int n) {
        return n > 0 && items.size() > n ? items.subList(0, n) : items;
    }

    private static ImageSource openImages(Path p) throws IOException {
        return p.getFileName().toString().endsWith(".zip") ? new ZipImageSource(p) : new FolderImageSource(p);
    }

    /**
     * @param dir an output directory
     * @return whether a resumable checkpoint is there
     */
    public static boolean hasCheckpoint(Path dir) {
        return TrainingCheckpoint.resolve(dir.resolve(Trainer.LAST)) != null;
    }
}
