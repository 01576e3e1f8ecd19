package dev.fiber.examples.cli;

import dev.fiber.core.image.RgbImage;
import dev.fiber.tasks.nlvr2.FiberNlvr2;
import dev.fiber.tasks.nlvr2.Nlvr2Prediction;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fiber nlvr2}: is a statement about two images true? */
@Command(name = "nlvr2", mixinStandardHelpOptions = true,
        description = {"Judge a statement about a pair of images (FIBER NLVR2 head; label 0 = False, 1 = True).",
            "Example: fiber nlvr2 -m fiber-nlvr2 --left l.jpg --right r.jpg -s 'There are three dogs in total.'"})
public final class Nlvr2Command implements Callable<Integer> {

    @Mixin
    TaskOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--left", required = true, paramLabel = "FILE", description = "first image (official 'image')")
    Path left;

    @Option(names = "--right", required = true, paramLabel = "FILE", description = "second image (official 'image_1')")
    Path right;

    @Option(names = {"-s", "--statement"}, required = true, paramLabel = "TEXT", description = "the statement")
    String statement;

    @Override
    public Integer call() throws Exception {
        return TaskCommands.run(spec, () -> {
            RgbImage l = TaskCommands.image(left);
            RgbImage r = TaskCommands.image(right);
            Nlvr2Prediction p;
            Integer size = options.resolutionOrNull();
            try (FiberNlvr2 n = FiberNlvr2.load(options.checkpoint(), size == null ? 0 : size, options.device())) {
                p = n.judge(l, r, statement);
            }
            if (options.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("left", left.toString());
                m.put("right", right.toString());
                m.put("statement", statement);
                m.put("answer", p.value());
                m.put("probabilityTrue", p.probabilityTrue());
                m.put("logits", new float[] {p.logitFalse(), p.logitTrue()});
                TaskCommands.printJson(spec, m);
            } else {
                PrintWriter out = spec.commandLine().getOut();
                out.printf("%s  (p(True) = %.4f)%n", p.value() ? "True" : "False", p.probabilityTrue());
                out.flush();
            }
            return 0;
        });
    }
}
