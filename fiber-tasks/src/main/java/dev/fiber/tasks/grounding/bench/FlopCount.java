package dev.fiber.tasks.grounding.bench;

import dev.fiber.tasks.grounding.GroundingSpec;
import dev.fiber.tasks.grounding.backbone.SwinSpec;
import dev.fiber.tasks.grounding.head.HeadSpec;
import dev.fiber.tasks.grounding.text.TextSpec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Analytic multiply-add count of one grounding forward pass as this port executes it (matrix products and
 * convolutions only; normalisations, activations, softmax and element-wise ops are not counted), grouped
 * like {@link StageClock}'s stages so that each stage's achieved rate can be computed.
 *
 * <p>What is counted: Swin linear layers on the window-padded map (FIBER pads to a multiple of the window
 * before attention, so qkv/proj/attention run on padded tokens; the MLP runs on the unpadded tokens), window
 * attention {@code q kᵀ} and {@code attn v} ({@code W^2} keys per token), the image-to-text attention of
 * fused blocks against all {@code T} text positions (padded to {@code MAX_QUERY_LEN}, as FIBER does), the
 * RoBERTa layers on {@code T} tokens with their text-to-image cross-attention over the unpadded image tokens,
 * patch embedding and merging, the FPN convolutions, and per DyConv level the offset convolution, the
 * deformable convolutions (as dense 3x3 convolutions after im2col) and the separable bilinear resize
 * matrices, and the head's 1x1 convolutions and token logits. One multiply-add = 2 FLOPs.
 */
public final class FlopCount {

    private FlopCount() {}

    /**
     * Counts multiply-adds per stage.
     *
     * @param spec model structure
     * @param height padded input height
     * @param width padded input width
     * @param textLength text positions ({@code MAX_QUERY_LEN}, 256)
     * @return stage name (as {@link StageClock} names them) to multiply-adds, in forward order
     */
    public static Map<String, Double> macs(GroundingSpec spec, int height, int width, int textLength) {
        Map<String, Double> out = new LinkedHashMap<>();
        SwinSpec sw = spec.swin();
        TextSpec tx = spec.text();
        double t = textLength;
        int patch = sw.patch();
        int h = (height + patch - 1) / patch;
        int w = (width + patch - 1) / patch;
        add(out, StageClock.PATCH_EMBED, (double) h * w * sw.embedDim() * 3 * patch * patch);

        double d = tx.hidden();
        double selfLayer = 4 * t * d * d + 2 * t * t * d + 2 * t * d * tx.ffn();
        int fusedLayers = 0;
        for (long iw : spec.textImageWidths()) {
            if (iw > 0) {
                fusedLayers++;
            }
        }
        int textOnly = tx.layers() - fusedLayers;
        add(out, StageClock.TEXT_ALONE, textOnly * selfLayer);

        int window = sw.window();
        double n = (double) window * window;
        int nextText = textOnly;
        int[] levelH = new int[sw.depths().length];
        int[] levelW = new int[sw.depths().length];
        for (int s = 0; s < sw.depths().length; s++) {
            double c = sw.dim(s);
            double tokens = (double) h * w;
            double padded = (double) ceilTo(h, window) * ceilTo(w, window);
            levelH[s] = h;
            levelW[s] = w;
            for (int b = 0; b < sw.depths()[s]; b++) {
                double macs = padded * c * 3 * c + 2 * padded * n * c + padded * c * c
                        + 2 * tokens * c * sw.mlpHidden(s);
                long textDim = sw.textDims()[s][b];
                if (textDim > 0) {
                    macs += t * textDim * 2 * c + 2 * padded * c * c + 2 * padded * t * c;
                    add(out, StageClock.swinStage(s, true), macs);
                    double imageWidth = spec.textImageWidths()[nextText++];
                    double cross = 2 * t * d * d + 2 * tokens * imageWidth * d + 2 * t * tokens * d;
                    add(out, StageClock.TEXT_FUSED, selfLayer + cross);
                } else {
                    add(out, StageClock.swinStage(s, false), macs);
                }
            }
            if (s < sw.depths().length - 1) {
                int h2 = (h + 1) / 2;
                int w2 = (w + 1) / 2;
                add(out, StageClock.PATCH_MERGING, (double) h2 * w2 * 4 * c * 2 * c);
                h = h2;
                w = w2;
            }
        }

        // FPN on backbone outputs fpnFirst.. (1-based), then P6, P7 by stride-2 3x3 convolutions
        double f = spec.fpnOut();
        int branches = spec.fpnIn().length;
        int levels = branches + 2;
        int[] ph = new int[levels];
        int[] pw = new int[levels];
        double fpn = 0;
        for (int i = 0; i < branches; i++) {
            int st = spec.fpnFirst() - 1 + i;
            ph[i] = levelH[st];
            pw[i] = levelW[st];
            double px = (double) ph[i] * pw[i];
            fpn += px * spec.fpnIn()[i] * f + px * f * f * 9;
        }
        for (int i = branches; i < levels; i++) {
            ph[i] = (ph[i - 1] + 1) / 2;
            pw[i] = (pw[i - 1] + 1) / 2;
            fpn += (double) ph[i] * pw[i] * f * f * 9;
        }
        add(out, StageClock.FPN, fpn);

        HeadSpec hs = spec.head();
        for (int i = 0; i < hs.numConvs(); i++) {
            double cin = i == 0 ? hs.inChannels() : hs.channels();
            double cout = hs.channels();
            for (int l = 0; l < levels; l++) {
                double px = (double) ph[l] * pw[l];
                double macs = px * cin * 9 * 27 + px * cin * 9 * cout;
                if (l > 0) {
                    macs += px * cin * 9 * cout;
                }
                if (l < levels - 1) {
                    double up = (double) ph[l + 1] * pw[l + 1];
                    macs += up * cin * 9 * cout;
                    // resize: along the height first, then along the width (Interpolation.bilinearAlignCorners)
                    macs += cout * pw[l + 1] * ph[l + 1] * ph[l] + cout * ph[l] * pw[l + 1] * pw[l];
                }
                add(out, StageClock.dyConv(i, l), macs);
            }
        }
        double headOut = t * tx.hidden() * hs.channels();
        for (int l = 0; l < levels; l++) {
            double px = (double) ph[l] * pw[l];
            headOut += px * hs.channels() * 5 + px * hs.channels() * t;
        }
        add(out, StageClock.HEAD_OUTPUTS, headOut);
        return out;
    }

    private static void add(Map<String, Double> m, String key, double v) {
        m.merge(key, v, Double::sum);
    }

    private static int ceilTo(int v, int m) {
        return (v + m - 1) / m * m;
    }
}
