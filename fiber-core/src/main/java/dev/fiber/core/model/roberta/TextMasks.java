package dev.fiber.core.model.roberta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The additive attention masks of FIBER's text side (quirk 4).
 */
public final class TextMasks {

    private TextMasks() {}

    /**
     * HuggingFace {@code get_extended_attention_mask}: {@code (1 - mask[:, None, None, :]) * -10000}.
     * Used by the text self-attention and by the Swin image-to-text attention.
     *
     * @param masks attention mask (B, T), 1 = token, 0 = padding (any numeric type)
     * @param type floating type of the activations
     * @return (B, 1, 1, T)
     */
    public static NDArray padding(NDArray masks, DataType type) {
        Shape s = masks.getShape();
        return masks.toType(type, false).neg().add(1f).mul(-10000f).reshape(s.get(0), 1, 1, s.get(1));
    }

    /**
     * The caption path's mask ({@code _prepare_decoder_attention_mask}): -inf above the diagonal
     * (causal) plus the type's most negative finite value on padded keys; shape (B, 1, T, T).
     *
     * @param masks attention mask (B, T)
     * @param type floating type of the activations
     * @return (B, 1, T, T)
     */
    public static NDArray causal(NDArray masks, DataType type) {
        Shape s = masks.getShape();
        int t = (int) s.get(1);
        float[] causal = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                causal[i * t + j] = Float.NEGATIVE_INFINITY;
            }
        }
        float min = type == DataType.FLOAT16 ? -65504f : -Float.MAX_VALUE;
        NDArray causalArr = masks.getManager().create(causal, new Shape(t, t)).toDevice(masks.getDevice(), false).toType(type, false);
        NDArray padded = masks.toType(type, false).neg().add(1f).mul(min).reshape(s.get(0), 1, 1, t);
        return padded.add(causalArr);
    }
}
