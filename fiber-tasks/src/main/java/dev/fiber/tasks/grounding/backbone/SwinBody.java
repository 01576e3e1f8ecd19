package dev.fiber.tasks.grounding.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.tasks.grounding.nn.Container;
import dev.fiber.tasks.grounding.nn.LayerNorm;
import dev.fiber.tasks.grounding.nn.StateBlock;

/**
 * The Swin Transformer of FIBER's fine-grained model ({@code backbone.body}, {@code SwinTransformer} of
 * {@code fusion_swin_transformer_v2.py}): {@code patch_embed}, {@code layers.{s}} and the stage output
 * norms {@code norm{s}} (absent, i.e. identity, for stage 0 with a RetinaNet-style FPN). The interleaving
 * with the text encoder lives in {@link FusionBackbone}; the DJL forward here runs the vision-only path.
 */
public final class SwinBody extends StateBlock {

    private final PatchEmbed patchEmbed;
    private final SwinStage[] stages;
    private final LayerNorm[] norms;

    /** @param spec widths and structure */
    public SwinBody(SwinSpec spec) {
        patchEmbed = child("patch_embed", new PatchEmbed(3, spec.embedDim(), spec.patch()));
        Container layers = child("layers", new Container());
        int n = spec.depths().length;
        stages = new SwinStage[n];
        norms = new LayerNorm[n];
        for (int s = 0; s < n; s++) {
            stages[s] = layers.add(Integer.toString(s), new SwinStage(spec.dim(s), spec.heads()[s], spec.window(),
                    spec.mlpHidden(s), spec.textDims()[s], spec.fusionQueryNorm(), s < n - 1));
        }
        for (int s = 0; s < n; s++) {
            if (spec.stageNorm()[s]) {
                norms[s] = child("norm" + s, new LayerNorm(spec.dim(s), 1e-5f));
            }
        }
    }

    /** @return the patch embedding */
    public PatchEmbed patchEmbed() {
        return patchEmbed;
    }

    /**
     * @param s stage index
     * @return the stage
     */
    public SwinStage stage(int s) {
        return stages[s];
    }

    /** @return number of stages */
    public int numStages() {
        return stages.length;
    }

    /**
     * Applies the output norm of a stage ({@code norm{s}}, identity if the checkpoint has none).
     *
     * @param s stage index
     * @param x stage output tokens
     * @return normalised tokens
     */
    public NDArray stageNorm(int s, NDArray x) {
        return norms[s] == null ? x : norms[s].forward(x);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        NDArray x = patchEmbed.forward(in.head());
        Shape s = x.getShape();
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        NDArray t = x.reshape(s.get(0), s.get(1), -1).transpose(0, 2, 1);
        NDList outs = new NDList();
        for (int i = 0; i < stages.length; i++) {
            NDArray mask = stages[i].shiftMask(x.getManager(), h, w);
            for (int b = 0; b < stages[i].depth(); b++) {
                t = stages[i].block(b).forward(t, h, w, mask, null, null);
            }
            outs.add(FusionBackbone.toNchw(stageNorm(i, t), h, w));
            if (stages[i].downsample() != null) {
                t = stages[i].downsample().forward(t, h, w);
                h = (h + 1) / 2;
                w = (w + 1) / 2;
            }
        }
        return outs;
    }

    @Override
    protected Shape[] outputShapes(Shape[] in) {
        Shape s = in[0];
        long h = (s.get(2) + 3) / 4;
        long w = (s.get(3) + 3) / 4;
        Shape[] out = new Shape[stages.length];
        for (int i = 0; i < stages.length; i++) {
            out[i] = new Shape(s.get(0), stages[i].dim(), h, w);
            h = (h + 1) / 2;
            w = (w + 1) / 2;
        }
        return out;
    }
}
