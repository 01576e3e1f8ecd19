package dev.fiber.tasks.grounding.bench;

import ai.djl.ndarray.NDArray;
import dev.fiber.tasks.grounding.GroundingSpec;
import dev.fiber.tasks.grounding.Trace;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link Trace} that measures how long each stage of a grounding forward pass takes: every trace key
 * closes the interval since the previous key, which is booked to the key's stage. The engine is eager, so
 * a key arrives when its tensor has been computed. {@link #enabled()} is false, so the model computes
 * nothing extra for it.
 *
 * <p>Stages: Swin patch embedding; the text-only RoBERTa layers (with the embeddings and the language
 * dictionary); each Swin stage's plain blocks (with the stage output norm) and its image-to-text fused
 * blocks; the fused RoBERTa layers (text-to-image cross-attention); patch merging; the FPN; each DyConv
 * layer per pyramid level; the head outputs (projected tokens, box regression, centerness, token logits);
 * and the post-processing, booked by {@link #finish()}.
 */
public final class StageClock implements Trace {

    /** Stage: Swin patch embedding. */
    public static final String PATCH_EMBED = "swin patch embed";
    /** Stage: RoBERTa embeddings, text-only layers and the language dictionary. */
    public static final String TEXT_ALONE = "text layers (text only)";
    /** Stage: RoBERTa layers with text-to-image cross-attention. */
    public static final String TEXT_FUSED = "text layers (cross-attn to image)";
    /** Stage: the three patch mergings. */
    public static final String PATCH_MERGING = "swin patch merging";
    /** Stage: the feature pyramid. */
    public static final String FPN = "FPN";
    /** Stage: the head outputs after the tower. */
    public static final String HEAD_OUTPUTS = "head outputs (tokens, box, centerness, logits)";
    /** Stage: anchors, ATSS selection, box decoding, NMS. */
    public static final String POST = "post-processing";

    private static final Pattern BLOCK = Pattern.compile("swin\\.stage(\\d)\\.block(\\d+)");
    private static final Pattern STAGE_OUT = Pattern.compile("backbone\\.stage_out(\\d)");
    private static final Pattern TEXT_LAYER = Pattern.compile("text\\.layer(\\d+)");
    private static final Pattern TOWER = Pattern.compile("head\\.tower(\\d+)\\.l(\\d+)");

    private final GroundingSpec spec;
    private final Map<String, Double> millis = new LinkedHashMap<>();
    private long last;

    /** @param spec the model structure (which blocks and layers are fused) */
    public StageClock(GroundingSpec spec) {
        this.spec = spec;
        last = System.nanoTime();
    }

    /**
     * @param s Swin stage index (0-based)
     * @param fused whether the blocks have image-to-text fusion
     * @return the stage name
     */
    public static String swinStage(int s, boolean fused) {
        return "swin stage " + (s + 1) + (fused ? " (i2t-fused blocks)" : "");
    }

    /**
     * @param layer DyConv layer
     * @param level pyramid level index (0 = P3)
     * @return the stage name
     */
    public static String dyConv(int layer, int level) {
        return "DyConv " + layer + " P" + (level + 3);
    }

    /** Restarts the clock (the next interval starts now). */
    public void restart() {
        last = System.nanoTime();
    }

    @Override
    public void record(String key, NDArray value) {
        long now = System.nanoTime();
        millis.merge(stageOf(key), (now - last) / 1e6, Double::sum);
        last = now;
    }

    /** Books the time since the last key to {@link #POST}. */
    public void finish() {
        long now = System.nanoTime();
        millis.merge(POST, (now - last) / 1e6, Double::sum);
        last = now;
    }

    @Override
    public boolean enabled() {
        return false;
    }

    /** @return milliseconds per stage, in the order first seen */
    public Map<String, Double> millis() {
        return millis;
    }

    /**
     * @param key a trace key of the grounding model
     * @return the stage it closes
     */
    String stageOf(String key) {
        Matcher m = BLOCK.matcher(key);
        if (m.matches()) {
            int s = Integer.parseInt(m.group(1)) - 1;
            int b = Integer.parseInt(m.group(2));
            return swinStage(s, spec.swin().textDims()[s][b] > 0);
        }
        m = STAGE_OUT.matcher(key);
        if (m.matches()) {
            return swinStage(Integer.parseInt(m.group(1)) - 1, false);
        }
        m = TEXT_LAYER.matcher(key);
        if (m.matches()) {
            return spec.textImageWidths()[Integer.parseInt(m.group(1))] > 0 ? TEXT_FUSED : TEXT_ALONE;
        }
        m = TOWER.matcher(key);
        if (m.matches()) {
            return dyConv(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
        if (key.equals("swin.patch_embed")) {
            return PATCH_EMBED;
        }
        if (key.startsWith("text.") || key.startsWith("lang.")) {
            return TEXT_ALONE;
        }
        if (key.endsWith(".downsample")) {
            return PATCH_MERGING;
        }
        if (key.startsWith("fpn.")) {
            return FPN;
        }
        if (key.startsWith("head.")) {
            return HEAD_OUTPUTS;
        }
        return POST;
    }
}
