package dev.fiber.tasks.grounding.post;

/**
 * Box decoding of VLDyHead's {@code BoxCoder} (legacy Detectron conventions): weights
 * {@code (10, 10, 5, 5)}, widths {@code x2 - x1 + 1}, centres {@code (x1 + x2) / 2}, {@code dw, dh}
 * clamped at {@code log(1000 / 16)}, decoded box {@code ctr ∓ 0.5 (size - 1)}. Arithmetic in float32 as
 * the official float tensors.
 */
public final class BoxCoder {

    private static final float WX = 10f;
    private static final float WY = 10f;
    private static final float WW = 5f;
    private static final float WH = 5f;
    private static final float CLAMP = (float) Math.log(1000.0 / 16);

    private BoxCoder() {}

    /**
     * Decodes one box.
     *
     * @param deltas regression {@code (dx, dy, dw, dh)} at {@code offset}
     * @param d offset of the deltas
     * @param anchors anchor boxes xyxy
     * @param a offset of the anchor
     * @param out destination xyxy
     * @param o offset in {@code out}
     */
    public static void decode(float[] deltas, int d, float[] anchors, int a, float[] out, int o) {
        float width = anchors[a + 2] - anchors[a] + 1f;
        float height = anchors[a + 3] - anchors[a + 1] + 1f;
        float ctrX = (anchors[a + 2] + anchors[a]) / 2f;
        float ctrY = (anchors[a + 3] + anchors[a + 1]) / 2f;
        float dx = deltas[d] / WX;
        float dy = deltas[d + 1] / WY;
        float dw = Math.min(deltas[d + 2] / WW, CLAMP);
        float dh = Math.min(deltas[d + 3] / WH, CLAMP);
        float px = dx * width + ctrX;
        float py = dy * height + ctrY;
        float pw = (float) Math.exp(dw) * width;
        float ph = (float) Math.exp(dh) * height;
        out[o] = px - 0.5f * (pw - 1f);
        out[o + 1] = py - 0.5f * (ph - 1f);
        out[o + 2] = px + 0.5f * (pw - 1f);
        out[o + 3] = py + 0.5f * (ph - 1f);
    }
}
