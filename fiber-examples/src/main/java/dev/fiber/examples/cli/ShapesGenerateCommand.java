package dev.fiber.examples.cli;

import dev.fiber.tasks.finetune.ShapesTraining;
import dev.fiber.tasks.shapes.ShapesConfig;
import dev.fiber.tasks.shapes.ShapesDataset;
import dev.fiber.tasks.shapes.ShapesExport;
import dev.fiber.tasks.shapes.ShapesQuestion;
import dev.fiber.tasks.shapes.ShapesSample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fiber shapes-generate}: renders the procedural shapes VQA data set
 * ({@link ShapesDataset}) and writes it in the VQAv2 layout ({@link ShapesExport}).
 */
@Command(
        name = "shapes-generate",
        mixinStandardHelpOptions = true,
        description = {
            "Generate the procedural shapes VQA data set (coloured circles, squares, triangles, diamonds and",
            "stars; questions about colour, shape, count and existence; 18 balanced answers).",
            "Writes DIR/images/shapes_NNNNNN.png, DIR/questions.json and DIR/annotations.json (VQAv2 format,",
            "readable by the VQA data pipeline) and DIR/answers.txt (the answer vocabulary, one per line).",
            "Example i depends only on (seed, i): use different seeds for train and val."
        })
public final class ShapesGenerateCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--seed", required = true, description = "data set seed")
    long seed;

    @Option(names = "--count", required = true, description = "number of examples")
    int count;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder (created)")
    Path out;

    @Option(names = "--size", description = "image side in pixels (default: 96 for --data full, 64 for --data proof)")
    Integer size;

    @Option(names = "--data", defaultValue = "full", paramLabel = "full|proof",
            description = "full: 1-4 shapes of 5 kinds in 6 colours with noise (default); proof: the fine-tuning proof's data "
                    + "(1-2 large shapes, 3 kinds, 4 colours, 64 px; what models/shapes-vqa was trained on)")
    String data;

    @Option(names = "--split", defaultValue = "train",
            description = "data_subtype recorded in the JSON files (default ${DEFAULT-VALUE})")
    String split;

    @Override
    public Integer call() throws Exception {
        if (count < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--count must be >= 1, got " + count);
        }
        ShapesConfig base = switch (data) {
            case "full" -> ShapesConfig.DEFAULT;
            case "proof" -> ShapesTraining.PROOF_SHAPES;
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "--data must be full or proof, got '" + data + "'");
        };
        int size = this.size == null ? base.imageSize() : this.size;
        if (size < 16 || size > 1024) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--size must be 16..1024, got " + size);
        }
        ShapesConfig config = base.withImageSize(size);
        List<ShapesQuestion> plans = ShapesDataset.planAll(seed, count, config);
        List<ShapesSample> samples = new ArrayList<>(count);
        for (ShapesQuestion q : plans) {
            samples.add(q.render());
        }
        ShapesExport.write(samples, out, split);
        PrintWriter o = spec.commandLine().getOut();
        o.printf("wrote %d examples (%dx%d px, seed %d) to %s%n", count, size, size, seed, out.toAbsolutePath());
        o.println(ShapesExport.summary(plans));
        o.flush();
        return 0;
    }
}
