package dev.fiber.core.model;

import dev.fiber.core.config.FiberConfig;
import dev.fiber.core.config.SwinConfig;
import dev.fiber.core.config.TextConfig;

/**
 * Analytic floating-point operation counts of FIBER's coarse-grained forward passes (multiply and add
 * counted separately, matrix products and convolutions only: LayerNorm, softmax, GELU and the like are
 * a fraction of a percent). Used by the benchmarks to report achieved GFLOP/s and by anyone sizing a
 * deployment. The counts are the model's intrinsic work: the text keys/values of a fused Swin block are
 * counted once per image, not once per window as the official implementation computes them.
 *
 * <p>For FIBER-B at 384x384 with 40 text tokens, {@link #fused} gives 111.1 GFLOP per image-text pair
 * (Swin 98.5, RoBERTa with cross-attention 12.3, cross-modal transforms 0.3).
 */
public final class FlopCount {

    private FlopCount() {}

    /**
     * @param cfg the architecture
     * @param textLen tokens per text (FIBER pads to {@code max_text_len})
     * @return FLOPs of one image-text pair through official {@code infer} (backbones with fusion and
     *     the cross-modal transforms; no task head)
     */
    public static double fused(FiberConfig cfg, int textLen) {
        return swin(cfg, textLen, true) + text(cfg, textLen, true)
                + linear(textLen, cfg.text().hiddenSize(), cfg.hiddenSize())
                + linear(finalTokens(cfg), cfg.inputImageEmbedSize(), cfg.hiddenSize());
    }

    /**
     * @param cfg the architecture
     * @param textLen tokens per text
     * @return FLOPs of one text through the uni-modal ITC path ({@code infer(text_only=True)})
     */
    public static double textOnly(FiberConfig cfg, int textLen) {
        return text(cfg, textLen, false) + linear(textLen, cfg.text().hiddenSize(), cfg.hiddenSize());
    }

    /**
     * @param cfg the architecture
     * @return FLOPs of one image through the uni-modal ITC path ({@code infer(image_only=True)})
     */
    public static double imageOnly(FiberConfig cfg) {
        return swin(cfg, 0, false) + linear(finalTokens(cfg), cfg.inputImageEmbedSize(), cfg.hiddenSize());
    }

    private static long finalTokens(FiberConfig cfg) {
        long side = cfg.imageSize() / (cfg.swin().patchSize() * 8L);
        return side * side;
    }

    /** 2 * rows * in * out. */
    private static double linear(long rows, long in, long out) {
        return 2.0 * rows * in * out;
    }

    private static double swin(FiberConfig cfg, int textLen, boolean fusion) {
        SwinConfig s = cfg.swin();
        int depthCount = s.depths().size();
        long grid = cfg.imageSize() / s.patchSize();
        long window = cfg.windowSize();
        double flops = linear(grid * grid, (long) s.inChans() * s.patchSize() * s.patchSize(), s.embedDim());
        int lastTwo = s.depths().get(depthCount - 2) + s.depths().get(depthCount - 1);
        for (int stage = 0; stage < depthCount; stage++) {
            long c = (long) s.embedDim() << stage;
            long side = grid >> stage;
            long tokens = side * side;
            long ws = Math.min(window, side);
            long hidden = Math.round(c * s.mlpRatio());
            for (int b = 0; b < s.depths().get(stage); b++) {
                flops += linear(tokens, c, 3 * c) + linear(tokens, c, c) + linear(tokens, c, hidden) + linear(tokens, hidden, c);
                flops += 4.0 * tokens * ws * ws * c; // QK^T and AV inside windows
                boolean fused = fusion && (stage == depthCount - 1
                        || (stage == depthCount - 2 && b >= lastTwo - cfg.numFuseBlock()));
                if (fused) {
                    flops += linear(tokens, c, c) * 2; // qkv_i2t (queries) and proj_i2t
                    flops += linear(textLen, s.dimText(), 2 * c); // qkv_text_i2t (keys, values)
                    flops += 4.0 * tokens * textLen * c;
                }
            }
            if (stage < depthCount - 1) {
                flops += linear(tokens / 4, 4 * c, 2 * c); // patch merging
            }
        }
        return flops;
    }

    private static double text(FiberConfig cfg, int textLen, boolean fusion) {
        TextConfig t = cfg.text();
        long h = t.hiddenSize();
        int layers = t.numHiddenLayers();
        long finalSide = cfg.imageSize() / (cfg.swin().patchSize() * 8L);
        double flops = 0;
        for (int l = 0; l < layers; l++) {
            flops += linear(textLen, h, 3 * h) + linear(textLen, h, h)
                    + linear(textLen, h, t.intermediateSize()) + linear(textLen, t.intermediateSize(), h);
            flops += 4.0 * textLen * textLen * h;
            if (fusion && l >= layers - cfg.numFuseBlock()) {
                // layers before the last two attend to stage-3 tokens (width/2), the last two to stage-4 tokens
                boolean last = l >= layers - 2;
                long imageTokens = last ? finalSide * finalSide : 4 * finalSide * finalSide;
                long imageWidth = last ? cfg.inputImageEmbedSize() : cfg.inputImageEmbedSize() / 2;
                flops += linear(textLen, h, h) * 2; // query, output dense
                flops += linear(imageTokens, imageWidth, h) * 2; // key, value
                flops += 4.0 * textLen * imageTokens * h;
            }
        }
        return flops;
    }
}
