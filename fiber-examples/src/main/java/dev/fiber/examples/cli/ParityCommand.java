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
            "Inputs: image (B,3,S,S), image_1 (second NLVR2 image), text_ids, text_masks (B,T); absent ones are skipped.",
            "With captioning layers, also caption_beam_ids: int64 (B, max_text_len - 1), the ids the official beam search",
            "(caption_test_step, beam 5) hands to tokenizer.decode for each image, decoded as one batch."
        })
public final class ParityCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "CKPT",
            description = "official FIBER checkpoint (coarse .ckpt, or fine-grained .pth with --config): a path, an http(s) URL or a model name of `fiber models`")
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

    @Option(names = "--config", paramLabel = "YAML",
            description = "fine-grained checkpoints: the FIBER yacs config (e.g. src-test-data/fine/tiny_fine_config.yaml);"
                    + " the inputs are then named as in tiny_fine_cases.npz (input.pixel_values, input.input_ids, ...)")
    Path fineConfig;

    @Option(names = "--text-heads", defaultValue = "12",
            description = "fine-grained: RoBERTa attention heads (not stored in the weights; 12 for roberta-base, 4 for the tiny test model)")
    int textHeads;

    @Option(names = "--ema", description = "fine-grained: use the model_ema weights of the .pth")
    boolean ema;

    @Override
    public Integer call() throws Exception {
        Map<String, NpyArray> in = Npy.readNpz(inputs);
        Device d = switch (device.toLowerCase(java.util.Locale.ROOT)) {
            case "cpu" -> Device.cpu();
            case "gpu" -> Device.gpu();
            case "auto" -> Engine.getInstance().defaultDevice();
            default -> throw new ParameterException(spec.commandLine(), "--device must be auto, cpu or gpu, not '" + device + "'");
        };
        if (in.containsKey("input.pixel_values") || fineConfig != null) {
            return fineGrained(in);
        }
        LoadOptions options = LoadOptions.defaults().withDevice(d).withImageSize(imageSize).withStrict(!noStrict);
        LinkedHashMap<String, Npy.Entry> outputs;
        Path ckpt = CheckpointResolver.defaults().resolve(checkpoint);
        try (FiberModel model = FiberModel.load(ckpt, options)) {
            if (!model.loadReport().isExact()) {
                System.out.println(model.loadReport());
            }
            outputs = ReferenceOutputs.compute(model, in);
            if (model.config().hasCaption() && in.containsKey("image")) {
                outputs.put("caption_beam_ids", captionBeamIds(model, in.get("image")));
            }
        }
        Npy.writeNpz(out, outputs);
        for (Map.Entry<String, Npy.Entry> e : outputs.entrySet()) {
            System.out.printf("%-32s %s%n", e.getKey(), Arrays.toString(e.getValue().shape()));
        }
        System.out.printf("wrote %d outputs to %s (device %s)%n", outputs.size(), out, d);
        return 0;
    }

    /** The fine-grained (grounding) model: every reference-named intermediate and the detection sets. */
    private int fineGrained(Map<String, NpyArray> in) throws java.io.IOException {
        if (fineConfig == null) {
            throw new ParameterException(spec.commandLine(), "fine-grained inputs need --config YAML (the model's FIBER config)");
        }
        dev.fiber.tasks.grounding.GroundingConfig cfg = dev.fiber.tasks.grounding.GroundingConfig.fromYacs(
                dev.fiber.tasks.grounding.YacsConfig.read(fineConfig), textHeads);
        Path ckpt = CheckpointResolver.defaults().resolve(checkpoint);
        LinkedHashMap<String, Npy.Entry> outputs;
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager();
                dev.fiber.tasks.grounding.weights.WeightSource w = dev.fiber.tasks.grounding.weights.WeightSources.open(ckpt, ema ? "model_ema" : "model")) {
            dev.fiber.tasks.grounding.FiberGroundingModel model = dev.fiber.tasks.grounding.FiberGroundingModel.load(w, cfg, m);
            try (ai.djl.ndarray.NDManager run = m.newSubManager()) {
                outputs = dev.fiber.tasks.grounding.GroundingReferenceOutputs.compute(model, in, run);
            }
        }
        Npy.writeNpz(out, outputs);
        for (Map.Entry<String, Npy.Entry> e : outputs.entrySet()) {
            System.out.printf("%-32s %s%n", e.getKey(), Arrays.toString(e.getValue().shape()));
        }
        System.out.printf("wrote %d outputs to %s%n", outputs.size(), out);
        return 0;
    }

    /** Official beam search (beam 5, max_text_len) over the npz's images as one batch, cached decoding. */
    private static Npy.Entry captionBeamIds(FiberModel model, NpyArray image) {
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(model.device())) {
            ai.djl.ndarray.NDArray embeds = model.captionImageEmbeds(m, image.toNDArray(m));
            int len = model.config().maxTextLen();
            java.util.List<dev.fiber.tasks.caption.DecodedCaption> res = dev.fiber.tasks.caption.CaptionSearch.beam(model, m, embeds,
                    dev.fiber.tasks.caption.CaptionSearch.OFFICIAL_BEAM_SIZE, len, true, dev.fiber.tasks.caption.CaptionTokens.roberta(),
                    dev.fiber.tasks.caption.CaptionSearch.StepTrace.NONE);
            long[] ids = new long[res.size() * (len - 1)];
            for (int i = 0; i < res.size(); i++) {
                System.arraycopy(res.get(i).ids(), 0, ids, i * (len - 1), len - 1);
            }
            return Npy.Entry.of(ids, new long[] {res.size(), len - 1});
        }
    }
}
