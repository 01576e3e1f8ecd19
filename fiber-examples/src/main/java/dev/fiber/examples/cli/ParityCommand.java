package dev.fiber.examples.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.fiber.core.hub.CheckpointResolver;
import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.ReferenceOutputs;
import dev.fiber.core.model.load.LoadOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code fiber parity}: runs a FIBER coarse checkpoint on inputs named as in the reference data
 * ({@code image}, {@code image_1}, {@code text_ids}, {@code text_masks}) and writes every output the
 * reference names (features, intermediates, head logits, ITC, captioning) under the same names, so
 * the result can be compared key by key with the official implementation's npz.
 */
@Command(
        name = "parity",
        mixinStandardHelpOptions = true,
        description = {
            "Run a FIBER coarse-grained checkpoint on reference-style inputs and write all outputs to an npz",
            "(names as in src-test-data/coarse/tiny_cases.npz: text_feats, cls_feats, itm_logits, vqa_logits,",
            "nlvr2_logits, itc_*, caption_*, mlm_logits_* and the intermediates image_embeds_after_stage1 ...).",
            "Inputs: image (B,3,S,S), image_1 (second NLVR2 image), text_ids, text_masks (B,T); absent ones are skipped."
        })
public final class ParityCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "CKPT",
            description = "official FIBER coarse checkpoint: a path, an http(s) URL or a model name of `fiber models`")
    String checkpoint;

    @Option(names = "--inputs", required = true, paramLabel = "IN.npz", description = "inputs npz")
    Path inputs;

    @Option(names = "--out", required = true, paramLabel = "OUT.npz", description = "npz to write")
    Path out;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|gpu",
            description = "auto (GPU if found), cpu or gpu (default: ${DEFAULT-VALUE})")
    String device;

    @Spec
    CommandSpec spec;

    @Option(names = "--image-size", defaultValue = "0", description = "run at another resolution (0 = the checkpoint's)")
    int imageSize;

    @Option(names = "--no-strict", description = "tolerate missing / unexpected checkpoint keys (reported)")
    boolean noStrict;

    @Override
    public Integer call() throws Exception {
        Map<String, NpyArray> in = Npy.readNpz(inputs);
        Device d = switch (device.toLowerCase(java.util.Locale.ROOT)) {
            case "cpu" -> Device.cpu();
            case "gpu" -> Device.gpu();
            case "auto" -> Engine.getInstance().defaultDevice();
            default -> throw new ParameterException(spec.commandLine(), "--device must be auto, cpu or gpu, not '" + device + "'");
        };
        LoadOptions options = LoadOptions.defaults().withDevice(d).withImageSize(imageSize).withStrict(!noStrict);
        LinkedHashMap<String, Npy.Entry> outputs;
        Path ckpt = CheckpointResolver.defaults().resolve(checkpoint);
        try (FiberModel model = FiberModel.load(ckpt, options)) {
            if (!model.loadReport().isExact()) {
                System.out.println(model.loadReport());
            }
            outputs = ReferenceOutputs.compute(model, in);
        }
        Npy.writeNpz(out, outputs);
        for (Map.Entry<String, Npy.Entry> e : outputs.entrySet()) {
            System.out.printf("%-32s %s%n", e.getKey(), Arrays.toString(e.getValue().shape()));
        }
        System.out.printf("wrote %d outputs to %s (device %s)%n", outputs.size(), out, d);
        return 0;
    }
}
