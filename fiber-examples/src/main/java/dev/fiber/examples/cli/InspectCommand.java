package dev.fiber.examples.cli;

import dev.fiber.core.checkpoint.CheckpointException;
import dev.fiber.core.checkpoint.CheckpointSummary;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fiber inspect FILE}: shows what a weight file holds without reading any tensor data: the
 * format, the top-level structure, the hyper-parameters a PyTorch Lightning checkpoint stores (the
 * official FIBER coarse-grained checkpoints keep the whole training config there), every tensor's
 * key, dtype and shape, and totals. Reads {@code .ckpt}/{@code .pth}/{@code .pt} files written by
 * {@code torch.save} (safely: unknown pickle globals are refused) and {@code .safetensors} files.
 */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = {
            "Shows what a checkpoint holds: top-level structure, stored hyper-parameters, every tensor's key,"
                    + " dtype and shape, and totals. Reads no tensor data.",
            "Accepts torch.save files (.ckpt, .pth, .pt; zip or legacy format) and .safetensors files."
        })
public final class InspectCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "the checkpoint or safetensors file")
    Path file;

    @Option(names = "--json", description = "print the summary as JSON")
    boolean json;

    @Option(names = "--no-tensors", description = "leave out the per-tensor listing (text output)")
    boolean noTensors;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            CheckpointSummary s = CheckpointSummary.inspect(file);
            out.print(json ? s.toJson() + "\n" : s.toText(!noTensors));
            out.flush();
            return 0;
        } catch (CheckpointException e) {
            err.println("fiber inspect: " + e.getMessage());
            err.flush();
            return 1;
        }
    }
}
