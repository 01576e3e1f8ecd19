package dev.fiber.tasks.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fiber.core.checkpoint.SafeTensors;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.text.FiberTokenizer;
import dev.fiber.core.util.ProgressBar;
import dev.fiber.tasks.data.DataLoader;
import dev.fiber.tasks.data.LoaderConfig;
import dev.fiber.tasks.data.SampleSource;
import dev.fiber.tasks.data.VqaBatch;
import dev.fiber.tasks.data.VqaItem;
import dev.fiber.tasks.finetune.ShapesTraining;
import dev.fiber.tasks.finetune.ShapesTrainingConfig;
import dev.fiber.tasks.finetune.ShapesVqaSource;
import dev.fiber.tasks.finetune.VqaFinetune;
import dev.fiber.tasks.shapes.ShapesConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training loop on a very small shapes VQA FIBER: the loss falls over a few steps, an interrupted
 * run resumes bit for bit, and gradient accumulation equals one large batch.
 */
class TrainerTest {

    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    static FiberTokenizer tokenizer;
    static List<VqaItem> items;

    @TempDir
    Path tmp;

    @BeforeAll
    static void data() {
        tokenizer = FiberTokenizer.roberta();
        ShapesVqaSource src = new ShapesVqaSource(5, 16, ShapesConfig.DEFAULT.withImageSize(64), 64, tokenizer, 12);
        items = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            items.add(src.load(i, null));
        }
    }

    static ShapesTrainingConfig small() {
        return new ShapesTrainingConfig(64, 12, 8, 16, 16, 8, 1e-3, 0.0, 100, null, 1, 2, 16, 0, 0, 7, Dropouts.NONE, 1.0, null, ShapesConfig.DEFAULT, 1, 0, 0, 5, 5, 1);
    }

    /** The 16 samples; {@code failAt} >= 0 makes the second load of that index fail (a simulated crash in epoch 1). */
    static final class Items implements SampleSource<VqaItem> {
        private final int failAt;
        private final java.util.concurrent.atomic.AtomicInteger loads = new java.util.concurrent.atomic.AtomicInteger();

        Items(int failAt) {
            this.failAt = failAt;
        }

        @Override
        public int size() {
            return items.size();
        }

        @Override
        public VqaItem load(int index, RandomGenerator rng) {
            if (index == failAt && loads.incrementAndGet() == 2) {
                throw new IllegalStateException("simulated crash at sample " + index);
            }
            return items.get(index);
        }
    }

    static DataLoader<VqaItem, VqaBatch> loader(SampleSource<VqaItem> src, int batch, boolean shuffle) {
        return new DataLoader<>(src, new ShapesVqaSource(5, 1, ShapesConfig.DEFAULT.withImageSize(64), 64, tokenizer, 12).collator(),
                new LoaderConfig(batch, shuffle, false, 0, 1, 11));
    }

    static TrainerConfig config(int epochs, Long steps, int accumulate, Path out, long saveEvery) {
        OptimConfig optim = new OptimConfig(1e-3, 0.01, 5, 5, 0, OptimConfig.DecayPower.polynomial(1), Warmup.steps(0), "adamw");
        return new TrainerConfig(epochs, steps, accumulate, 0, 3, 0, saveEvery, out, null, optim);
    }

    @Test
    void lossFallsOverAFewSteps() throws Exception {
        try (FiberModel model = ShapesTraining.createModel(small())) {
            DataLoader<VqaItem, VqaBatch> train = loader(new Items(-1), 8, true);
            Evaluator eval = VqaFinetune.evaluator(loader(new Items(-1), 8, false));
            double before;
            try (NoGrad ng = NoGrad.enter()) {
                before = eval.evaluate(model).get("vqa_loss");
            }
            Trainer<VqaBatch> t = new Trainer<>(model, config(6, null, 1, null, 0), train, VqaBatch::size, VqaFinetune.step(model), eval,
                    "test").progress(ProgressBar.Mode.OFF).log(QUIET);
            assertEquals(12, t.scheduledSteps());
            TrainingResult r = t.run();
            assertEquals(12, r.steps());
            assertEquals(96, r.samples());
            assertEquals("max_steps", r.stoppedBy());
            assertEquals(6, r.history().size());
            double first = r.history().get(0).metrics().get("vqa_loss");
            double last = r.history().get(5).metrics().get("vqa_loss");
            System.out.printf("vqa loss on the 16 training samples: before %.4f, after epoch 0 %.4f, after epoch 5 %.4f%n", before, first, last);
            assertTrue(first < before && last < first && last < 0.8 * before, "loss should fall: " + before + " -> " + first + " -> " + last);
        }
    }

    @Test
    void interruptedRunResumesBitForBit() throws Exception {
        Path full = tmp.resolve("full");
        Path resumed = tmp.resolve("resumed");
        try (FiberModel model = ShapesTraining.createModel(small())) {
            new Trainer<>(model, config(3, null, 1, full, 1), loader(new Items(-1), 4, true), VqaBatch::size, VqaFinetune.step(model), null,
                    "test").progress(ProgressBar.Mode.OFF).log(QUIET).run();
        }
        // the second run crashes while loading a batch of epoch 1 (after the checkpoint of the previous step) ...
        DataLoader<VqaItem, VqaBatch> crashing = loader(new Items(-1), 4, true);
        int failIndex = crashing.order(1)[2 * 4]; // first sample of the third batch of epoch 1
        try (FiberModel model = ShapesTraining.createModel(small())) {
            Trainer<VqaBatch> t = new Trainer<>(model, config(3, null, 1, resumed, 1), loader(new Items(failIndex), 4, true), VqaBatch::size,
                    VqaFinetune.step(model), null, "test").progress(ProgressBar.Mode.OFF).log(QUIET);
            assertThrows(Exception.class, t::run);
        }
        TrainerState mid = TrainingCheckpoint.readState(resumed.resolve(Trainer.LAST));
        assertEquals(6, mid.step());
        assertEquals(1, mid.epoch());
        assertEquals(2, mid.batchInEpoch());
        // ... and a fresh process resumes from its checkpoint
        try (FiberModel model = ShapesTraining.createModel(small())) {
            TrainingResult r = new Trainer<>(model, config(3, null, 1, resumed, 1), loader(new Items(-1), 4, true), VqaBatch::size,
                    VqaFinetune.step(model), null, "test").progress(ProgressBar.Mode.OFF).log(QUIET).run();
            assertEquals(12, r.steps());
            assertEquals(48, r.samples());
        }
        assertSameWeightsAndMoments(full, resumed, "after resume");
    }

    /** Asserts that two runs' last checkpoints hold bit-identical weights and Adam moments. */
    static void assertSameWeightsAndMoments(Path runA, Path runB, String what) throws IOException {
        try (SafeTensors a = SafeTensors.open(runA.resolve("last/model.safetensors"));
                SafeTensors b = SafeTensors.open(runB.resolve("last/model.safetensors"));
                SafeTensors oa = SafeTensors.open(runA.resolve("last/optimizer.safetensors"));
                SafeTensors ob = SafeTensors.open(runB.resolve("last/optimizer.safetensors"))) {
            for (String k : a.tensors().keySet()) {
                if (a.get(k).dtype().isFloatingPoint()) {
                    assertArrayEquals(a.get(k).readFloats(), b.get(k).readFloats(), k + " " + what);
                }
            }
            for (String k : oa.tensors().keySet()) {
                if (k.startsWith("exp_avg")) {
                    assertArrayEquals(oa.get(k).readFloats(), ob.get(k).readFloats(), k + " " + what);
                }
            }
        }
    }

    @Test
    void gradientAccumulationMatchesOneLargeBatch() throws Exception {
        Path one = tmp.resolve("one");
        Path acc = tmp.resolve("acc");
        try (FiberModel model = ShapesTraining.createModel(small())) {
            new Trainer<>(model, config(1, 1L, 1, one, 0), loader(new Items(-1), 8, false), VqaBatch::size, VqaFinetune.step(model), null, "test")
                    .progress(ProgressBar.Mode.OFF).log(QUIET).run();
        }
        try (FiberModel model = ShapesTraining.createModel(small())) {
            new Trainer<>(model, config(1, 1L, 2, acc, 0), loader(new Items(-1), 4, false), VqaBatch::size, VqaFinetune.step(model), null, "test")
                    .progress(ProgressBar.Mode.OFF).log(QUIET).run();
        }
        double worst = 0;
        try (SafeTensors a = SafeTensors.open(one.resolve("last/optimizer.safetensors"));
                SafeTensors b = SafeTensors.open(acc.resolve("last/optimizer.safetensors"))) {
            assertEquals(a.tensors().keySet(), b.tensors().keySet());
            for (String k : a.tensors().keySet()) {
                if (!k.startsWith("exp_avg.")) {
                    continue;
                }
                float[] x = a.get(k).readFloats();
                float[] y = b.get(k).readFloats();
                double max = 0;
                double diff = 0;
                for (int i = 0; i < x.length; i++) {
                    max = Math.max(max, Math.abs(x[i]));
                    diff = Math.max(diff, Math.abs(x[i] - y[i]));
                }
                if (max > 1e-6) {
                    worst = Math.max(worst, diff / max);
                }
                assertTrue(diff <= 1e-4 * Math.max(max, 1e-8), k + ": first moments differ by " + diff + " (max " + max + ")");
            }
        }
        System.out.printf("accumulated vs one batch: worst first-moment difference %.2e of the parameter's max"
                + " (parameters with gradients above 1e-6)%n", worst);
    }

    @Test
    void concurrentMicroBatchesGiveTheSequentialResultBitForBit() throws Exception {
        Path seq = tmp.resolve("sequential");
        Path par = tmp.resolve("concurrent");
        for (Path out : List.of(seq, par)) {
            try (FiberModel model = ShapesTraining.createModel(small())) {
                TrainingResult r = new Trainer<>(model, config(2, null, 2, out, 0), loader(new Items(-1), 4, true), VqaBatch::size,
                        VqaFinetune.step(model), null, "test").microBatchThreads(out == par ? 2 : 1).progress(ProgressBar.Mode.OFF).log(QUIET).run();
                assertEquals(4, r.steps());
                assertEquals(32, r.samples());
            }
        }
        assertSameWeightsAndMoments(seq, par, "with two micro-batches at once");
        try (FiberModel model = ShapesTraining.createModel(small())) {
            Trainer<VqaBatch> t = new Trainer<>(model, config(1, null, 1, null, 0), loader(new Items(-1), 4, false), VqaBatch::size,
                    VqaFinetune.step(model), null, "test");
            assertThrows(IllegalArgumentException.class, () -> t.microBatchThreads(0));
        }
    }

    @Test
    void rejectsBadSettings() {
        OptimConfig optim = new OptimConfig(1e-3, 0.01, 5, 5, 0, OptimConfig.DecayPower.polynomial(1), Warmup.steps(0), "adamw");
        assertThrows(IllegalArgumentException.class, () -> new TrainerConfig(0, null, 1, 0, 0, 0, 0, null, null, optim));
        assertThrows(IllegalArgumentException.class, () -> new TrainerConfig(1, null, 0, 0, 0, 0, 0, null, null, optim));
        assertThrows(IllegalArgumentException.class, () -> new TrainerConfig(1, null, 1, -1, 0, 0, 0, null, null, optim));
        assertThrows(IllegalArgumentException.class, () -> new TrainerConfig(1, null, 1, 0, 0, 0, 0, null, Duration.ZERO, optim));
        assertThrows(IllegalArgumentException.class, () -> new OptimConfig(1e-3, 0, 1, 1, 0, OptimConfig.DecayPower.polynomial(1),
                Warmup.steps(0), "lamb"));
    }
}
