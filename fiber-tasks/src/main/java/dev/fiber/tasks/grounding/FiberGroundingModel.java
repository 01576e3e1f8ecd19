package dev.fiber.tasks.grounding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fiber.tasks.grounding.backbone.Fpn;
import dev.fiber.tasks.grounding.backbone.FusionBackbone;
import dev.fiber.tasks.grounding.backbone.SwinBody;
import dev.fiber.tasks.grounding.head.VlDyHead;
import dev.fiber.tasks.grounding.nn.Container;
import dev.fiber.tasks.grounding.nn.LoadReport;
import dev.fiber.tasks.grounding.nn.StateBlock;
import dev.fiber.tasks.grounding.nn.StateDictLoader;
import dev.fiber.tasks.grounding.post.AnchorGenerator;
import dev.fiber.tasks.grounding.post.AtssPostProcessor;
import dev.fiber.tasks.grounding.post.LabelTokens;
import dev.fiber.tasks.grounding.text.RobertaModel;
import dev.fiber.tasks.grounding.weights.WeightSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * FIBER's fine-grained model for phrase grounding and open-vocabulary detection
 * ({@code GeneralizedVLRCNN} with fusion Swin v2, RoBERTa-fused-v2, VLDyHead and ATSS post-processing,
 * {@code RPN_ONLY}). Keys: {@code fusion_backbone.*}, {@code rpn.head.*},
 * {@code rpn.anchor_generator.cell_anchors.*} — the official state dict without the {@code module.} prefix.
 *
 * <p>Inputs are already preprocessed: the normalised, padded image and the tokenised caption padded to
 * {@code MAX_QUERY_LEN}, plus the label-to-token map and the unpadded image size.
 */
public final class FiberGroundingModel extends StateBlock {

    private final GroundingSpec spec;
    private final GroundingConfig config;
    private final FusionBackbone backbone;
    private final VlDyHead head;
    private final AnchorGenerator anchors;
    private LoadReport lastReport;

    /**
     * Builds an unloaded model.
     *
     * @param spec structure (see {@link GroundingSpec#infer})
     * @param config configuration
     */
    public FiberGroundingModel(GroundingSpec spec, GroundingConfig config) {
        this.spec = spec;
        this.config = config;
        SwinBody body = new SwinBody(spec.swin());
        Fpn fpn = new Fpn(spec.fpnIn(), spec.fpnFirst(), spec.fpnOut());
        RobertaModel text = new RobertaModel(spec.text(), spec.textImageWidths());
        backbone = child("fusion_backbone", new FusionBackbone(body, fpn, text));
        Container rpn = child("rpn", new Container());
        head = rpn.add("head", new VlDyHead(spec.head()));
        anchors = rpn.add("anchor_generator", new AnchorGenerator(config.anchorStrides(), spec.anchorsPerLocation()));
    }

    /**
     * Builds a model from a checkpoint and loads it.
     *
     * @param source the state dict ({@code model} of an official dump)
     * @param config configuration
     * @param manager owner of the weights
     * @return the loaded model
     * @throws IOException if a tensor cannot be read
     * @throws IllegalArgumentException if parameters are missing or have other shapes
     */
    public static FiberGroundingModel load(WeightSource source, GroundingConfig config, NDManager manager)
            throws IOException {
        FiberGroundingModel model = new FiberGroundingModel(GroundingSpec.infer(source, config), config);
        LoadReport report = StateDictLoader.load(model, source, manager);
        if (!report.complete()) {
            throw new IllegalArgumentException("checkpoint " + source.describe() + " does not fit the model: "
                    + report.missing().size() + " missing " + report.missing() + ", mismatched " + report.mismatched());
        }
        model.lastReport = report;
        return model;
    }

    /** @return the load report of {@link #load}, or {@code null} if loaded otherwise */
    public LoadReport loadReport() {
        return lastReport;
    }

    /** @return the structure */
    public GroundingSpec spec() {
        return spec;
    }

    /** @return the configuration */
    public GroundingConfig config() {
        return config;
    }

    /** @return the fusion backbone */
    public FusionBackbone backbone() {
        return backbone;
    }

    /** @return the head */
    public VlDyHead head() {
        return head;
    }

    /**
     * @return the number of label columns: {@code TEST.MDETR_STYLE_AGGREGATE_CLASS_NUM} if set, else the
     *     {@code cls_logits} channels ({@code NUM_CLASSES - 1}); label ids above it are rejected
     */
    public long labelColumns() {
        return config.aggregateClassNum() > 0 ? config.aggregateClassNum() : head.numClasses();
    }

    /** @return the anchor generator */
    public AnchorGenerator anchorGenerator() {
        return anchors;
    }

    /**
     * Runs the model on one image and one caption.
     *
     * @param pixels {@code (1, 3, H, W)} normalised, padded to the size divisibility
     * @param inputIds {@code (1, N)} int64 token ids (padded with 1)
     * @param attentionMask {@code (1, N)} int64
     * @param imageH unpadded resized height
     * @param imageW unpadded resized width
     * @param map label to token indices
     * @param trace receives intermediates (keys of the reference dump)
     * @return detections before NMS, after NMS and final (boxes in resized-image pixels)
     */
    public AtssPostProcessor.Result predict(NDArray pixels, NDArray inputIds, NDArray attentionMask, int imageH,
            int imageW, LabelTokens map, Trace trace) {
        if (pixels.getShape().get(0) != 1 || inputIds.getShape().get(0) != 1) {
            throw new IllegalArgumentException("predict takes one image and one caption; batch "
                    + pixels.getShape() + " / " + inputIds.getShape());
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            FusionBackbone.Output features = backbone.forward(pixels, inputIds, attentionMask, trace);
            VlDyHead.Output out = head.forward(features.pyramid(), features.language().embedded(), trace);
            List<float[]> levelAnchors = new ArrayList<>();
            for (int l = 0; l < features.pyramid().size(); l++) {
                Shape s = features.pyramid().get(l).getShape();
                float[] a = anchors.anchors(l, (int) s.get(2), (int) s.get(3));
                if (trace.enabled()) {
                    try (NDArray t = pixels.getManager().create(a, new Shape(a.length / 4, 4))) {
                        trace.record("anchors.l" + l, t);
                    }
                }
                levelAnchors.add(a);
            }
            return new AtssPostProcessor(config.post()).process(out.bboxReg(), out.centerness(), out.dotLogits(),
                    levelAnchors, map, labelColumns(), 0, imageH, imageW);
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
        FusionBackbone.Output features = backbone.forward(in.get(0), in.get(1), in.get(2), Trace.NONE);
        VlDyHead.Output out = head.forward(features.pyramid(), features.language().embedded(), Trace.NONE);
        NDList res = new NDList();
        res.addAll(out.bboxReg());
        res.addAll(out.centerness());
        res.addAll(out.dotLogits());
        return res;
    }

    @Override
    protected Shape[] outputShapes(Shape[] in) {
        Shape[] bb = backbone.getOutputShapes(in);
        int levels = bb.length - 2;
        Shape[] headIn = new Shape[levels + 1];
        System.arraycopy(bb, 0, headIn, 0, levels);
        headIn[levels] = bb[levels];
        return head.getOutputShapes(headIn);
    }
}
