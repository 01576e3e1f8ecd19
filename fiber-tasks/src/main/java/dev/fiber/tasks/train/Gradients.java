package dev.fiber.tasks.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.ParamSlot;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Access to the gradients libtorch accumulates on a {@link FiberModel}'s parameters, with PyTorch's
 * {@code .grad} semantics: a parameter that no loss has reached since it was created has <em>no</em>
 * gradient ({@code grad is None}, reported as {@code null}; the optimiser skips it), and
 * {@link #zero} fills existing gradients with zeros without removing them (PyTorch Lightning 1.3's
 * {@code optimizer.zero_grad()}), so a parameter that once had a gradient keeps one.
 *
 * <p>One official detail is applied when reading: the RoBERTa {@code word_embeddings} and
 * {@code position_embeddings} are {@code nn.Embedding(..., padding_idx=1)}, whose row {@code <pad>} never
 * receives a gradient; libtorch's plain embedding backward does give it one, so that row is zeroed in
 * {@link #read} (equivalent, since gradients only add up).
 */
public final class Gradients {

    /** The embedding tables created with {@code padding_idx = pad_token_id}. */
    public static final String[] PADDING_IDX_TABLES = {
        "text_transformer.embeddings.word_embeddings.weight", "text_transformer.embeddings.position_embeddings.weight"};

    private Gradients() {}

    /**
     * Switches gradient tracking on for every parameter (DJL's {@code initialize} keeps loaded values).
     *
     * @param model the model
     */
    public static void enable(FiberModel model) {
        model.block().initialize(model.manager(), model.dataType());
    }

    /**
     * @param array a parameter array
     * @return whether libtorch holds a gradient for it ({@code grad is not None})
     */
    public static boolean hasGradient(NDArray array) {
        try (PtNDArray g = JniUtils.getGradient((PtNDArray) array)) {
            return g != null;
        }
    }

    /**
     * Copies every parameter's gradient to Java, in state-dict order.
     *
     * @param model the model
     * @return name to float32 gradient (C order), or to {@code null} for parameters without gradient
     */
    public static LinkedHashMap<String, float[]> read(FiberModel model) {
        LinkedHashMap<String, float[]> out = new LinkedHashMap<>();
        int pad = model.config().text().padTokenId();
        for (Map.Entry<String, ParamSlot> e : model.block().stateDictParameters().entrySet()) {
            NDArray p = e.getValue().parameter().getArray();
            float[] g = null;
            try (PtNDArray grad = JniUtils.getGradient((PtNDArray) p)) {
                if (grad != null) {
                    g = grad.toType(DataType.FLOAT32, false).toFloatArray();
                }
            }
            if (g != null && isPaddingIdxTable(e.getKey())) {
                long dim = p.getShape().get(1);
                java.util.Arrays.fill(g, (int) (pad * dim), (int) ((pad + 1) * dim), 0f);
            }
            out.put(e.getKey(), g);
        }
        return out;
    }

    /**
     * Fills every existing gradient with zeros (parameters without gradient stay without).
     *
     * @param model the model
     */
    public static void zero(FiberModel model) {
        for (ParamSlot slot : model.block().stateDictParameters().values()) {
            try (PtNDArray grad = JniUtils.getGradient((PtNDArray) slot.parameter().getArray())) {
                if (grad != null) {
                    try (NoGrad ng = NoGrad.enter()) {
                        grad.muli(0);
                    }
                }
            }
        }
    }

    /**
     * @param name a state-dict key
     * @return whether it is one of {@link #PADDING_IDX_TABLES}
     */
    public static boolean isPaddingIdxTable(String name) {
        for (String t : PADDING_IDX_TABLES) {
            if (t.equals(name)) {
                return true;
            }
        }
        return false;
    }
}
