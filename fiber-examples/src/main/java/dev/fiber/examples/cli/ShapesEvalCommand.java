package dev.fiber.examples.cli;

import ai.djl.Device;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.load.LoadOptions;
import dev.fiber.core.text.FiberTokenizer;
import dev.fiber.tasks.finetune.ShapesTraining;
import dev.fiber.tasks.shapes.ShapesConfig;
import dev.fiber.tasks.shapes.ShapesDataset;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fiber shapes-eval}: renders a fresh shapes VQA set and prints a trained model's accuracy on it.
 */
@Command(
        name = "shapes-eval",
        mixinStandardHelpOptions = true,
        description = {"Generate a fresh procedural shapes VQA set (seed S, N questions) and print the accuracy of a",
            "shapes VQA model on it, overall and per question family (colour, shape, count, existence)."})
public final class ShapesEvalCommand implements Callable<Integer> {

    /** The model committed by the fine-tuning proof. */
    static final String DEFAULT_MODEL = "models/shapes-vqa/model.safetensors";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--seed", required = true, description = "generator seed (the proof trained on seed 1 and tuned nothing on others)")
    long seed;

    @Option(names = "--count", required = true, description = "number of questions")
    int count;

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "model.safetensors of a shapes model (default: " + DEFAULT_MODEL + ")")
    Path checkpoint;

    @Option(names = "--threads", defaultValue = "1", description = "libtorch CPU threads (default ${DEFAULT-VALUE})")
    int threads;

    /** @return the bundled shapes model, {@value #DEFAULT_MODEL} under the project root ({@code fiber.root}) */
    static Path defaultModel() {
        return Path.of(System.getProperty("fiber.root", ".")).resolve(DEFAULT_MODEL);
    }

    @Override
    public Integer call() throws Exception {
        if (count < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--count must be >= 1, got " + count);
        }
        Path file = checkpoint != null ? checkpoint : defaultModel();
        if (!Files.isRegularFile(file)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no model at " + file + " (train one with fiber shapes-train --export DIR)");
        }
        TorchThreads.configure(threads);
        try (FiberModel model = FiberModel.load(file, LoadOptions.defaults().withDevice(Device.cpu()))) {
            if (!model.config().hasVqa() || model.config().vqav2LabelSize() != ShapesDataset.ANSWERS.size()) {
                throw new CommandLine.ParameterException(spec.commandLine(), file + " is not a shapes VQA model (needs a VQA head over "
                        + ShapesDataset.ANSWERS.size() + " answers)");
            }
            long t0 = System.nanoTime();
            ShapesConfig data = ShapesTraining.dataConfig(file, model.config().imageSize());
            ShapesTraining.HeldOut set = ShapesTraining.heldOut(seed, count, data, model.config().maxTextLen(), FiberTokenizer.roberta());
            Map<String, Double> m = ShapesTraining.evaluate(model, set, 100);
            PrintWriter o = spec.commandLine().getOut();
            o.printf(Locale.ROOT, "shapes-eval: %d questions of seed %d, model %s%n", count, seed, file);
            m.forEach((k, v) -> o.printf(Locale.ROOT, "  %-16s %.4f%n", k, v));
            o.printf(Locale.ROOT, "(%.1f s)%n", (System.nanoTime() - t0) / 1e9);
            o.flush();
        }
        return 0;
    }
}
