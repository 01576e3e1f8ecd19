package dev.fiber.examples.cli;

import dev.fiber.core.image.RgbImage;
import dev.fiber.tasks.vqa.FiberVqa;
import dev.fiber.tasks.vqa.VqaAnswer;
import dev.fiber.tasks.vqa.VqaPrediction;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fiber vqa}: answer questions about an image with a FIBER VQA checkpoint. */
@Command(name = "vqa", mixinStandardHelpOptions = true,
        description = {"Answer questions about an image (coarse FIBER VQA: sigmoid over vqa_logits, top-k answers).",
            "Several --question options share one image encoding (its uni-modal bottom is computed once).",
            "Without -m it uses the small shapes model trained by the fine-tuning proof (models/shapes-vqa/), which answers",
            "questions about the demo images: fiber vqa -i models/demo/images/shapes_000000.png -q 'What color is the circle?'",
            "Example: fiber vqa -m fiber-vqa --vocab vqav2_answers.txt -i kitchen.jpg -q 'what color is the fridge?'"})
public final class VqaCommand implements Callable<Integer> {

    @Mixin
    TaskOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = {"-i", "--image"}, required = true, paramLabel = "FILE", description = "the image")
    Path image;

    @Option(names = {"-q", "--question"}, required = true, paramLabel = "TEXT", description = "a question (repeatable)")
    List<String> questions;

    @Option(names = "--vocab", paramLabel = "FILE",
            description = "answer list (one answer per line) from `fiber vqa-vocab`, see docs/VQA_VOCAB.md; "
                    + "default: <checkpoint>.answers.txt or vqav2_answers.txt next to the checkpoint")
    Path vocab;

    @Option(names = {"-k", "--top-k"}, defaultValue = "5", paramLabel = "K", description = "answers per question (default ${DEFAULT-VALUE})")
    int topK;

    @Override
    public Integer call() throws Exception {
        return TaskCommands.run(spec, () -> {
            RgbImage img = TaskCommands.image(image);
            String ckpt = options.checkpoint;
            if (ckpt == null) {
                Path demo = ShapesEvalCommand.defaultModel();
                if (!Files.isRegularFile(demo)) {
                    throw new IllegalArgumentException("no -m/--checkpoint given and the default shapes demo model " + demo
                            + " is missing (train one with ./fiber shapes-train --export models/shapes-vqa)");
                }
                ckpt = demo.toString();
            }
            FiberVqa.Builder b = FiberVqa.builder(ckpt).optTopK(topK).optDevice(options.device());
            if (vocab != null) {
                b.optVocabulary(vocab);
            }
            if (options.resolutionOrNull() != null) {
                b.optImageSize(options.resolution);
            }
            List<VqaPrediction> preds;
            try (FiberVqa vqa = b.build()) {
                preds = questions.size() == 1 ? List.of(vqa.answer(img, questions.get(0))) : vqa.answerAll(img, questions);
            }
            if (options.json) {
                List<Map<String, Object>> out = new ArrayList<>();
                for (int i = 0; i < preds.size(); i++) {
                    Map<String, Object> q = new LinkedHashMap<>();
                    q.put("question", questions.get(i));
                    q.put("answers", preds.get(i).answers());
                    out.add(q);
                }
                Map<String, Object> root = new LinkedHashMap<>();
                root.put("image", image.toString());
                root.put("results", out);
                TaskCommands.printJson(spec, root);
            } else {
                PrintWriter out = spec.commandLine().getOut();
                for (int i = 0; i < preds.size(); i++) {
                    out.println("Q: " + questions.get(i));
                    for (VqaAnswer a : preds.get(i).answers()) {
                        out.printf("  %-24s %.4f%n", a.answer().isEmpty() ? "\"\"" : a.answer(), a.probability());
                    }
                }
                out.flush();
            }
            return 0;
        });
    }
}
