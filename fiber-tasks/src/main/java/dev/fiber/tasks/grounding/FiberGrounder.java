package dev.fiber.tasks.grounding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fiber.core.image.FineImageInput;
import dev.fiber.core.image.FineTransform;
import dev.fiber.core.image.RgbImage;
import dev.fiber.core.text.CharSpan;
import dev.fiber.core.text.Encoding;
import dev.fiber.core.text.FiberTokenizer;
import dev.fiber.core.text.TokenizerFlavor;
import dev.fiber.tasks.grounding.post.AtssPostProcessor;
import dev.fiber.tasks.grounding.post.Detections;
import dev.fiber.tasks.grounding.post.LabelTokens;
import dev.fiber.tasks.grounding.weights.WeightSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Phrase grounding and open-vocabulary detection with FIBER's fine-grained model, from an RGB image and
 * text to boxes in the image's pixels.
 *
 * <p>Pipeline (FIBER's evaluation path): {@link FineTransform} (resize to {@code MIN/MAX_SIZE_TEST}, BGR255
 * normalisation, padding to 32), the fine-grained RoBERTa tokenizer padded to {@code MAX_QUERY_LEN}, the
 * spans' tokens ({@code create_positive_map}), {@link FiberGroundingModel}, then the boxes are scaled back
 * to the input image per axis (the demo's {@code BoxList.resize}) and sorted by score.
 *
 * <p>Calls are not synchronised: use one instance from one thread at a time.
 */
public final class FiberGrounder implements AutoCloseable {

    private final NDManager manager;
    private final FiberGroundingModel model;
    private final FiberTokenizer tokenizer;
    private final FineTransform transform;

    /**
     * @param manager owns the model's weights (closed with this grounder)
     * @param model the loaded model
     * @param tokenizer roberta-base tokenizer
     */
    public FiberGrounder(NDManager manager, FiberGroundingModel model, FiberTokenizer tokenizer) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.model = Objects.requireNonNull(model, "model");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        GroundingConfig c = model.config();
        FineTransform d = FineTransform.DEFAULT;
        this.transform = new FineTransform(c.minSizeTest(), c.maxSizeTest(), c.sizeDivisibility(), d.pixelMean(),
                d.pixelStd(), d.format(), false);
    }

    /**
     * Loads a grounder from a state dict.
     *
     * @param weights the checkpoint's {@code model} (or {@code model_ema}) state dict
     * @param config configuration
     * @return the grounder (owns its weights; close it)
     * @throws IOException if the weights cannot be read
     */
    public static FiberGrounder load(WeightSource weights, GroundingConfig config) throws IOException {
        NDManager m = NDManager.newBaseManager();
        try {
            FiberGroundingModel model = FiberGroundingModel.load(weights, config, m);
            return new FiberGrounder(m, model, FiberTokenizer.roberta());
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** @return the model */
    public FiberGroundingModel model() {
        return model;
    }

    /**
     * Grounds phrases of a caption.
     *
     * @param image the image
     * @param caption the caption
     * @param spans per phrase, its character spans in the caption ({@code tokens_positive}); label i+1
     * @return boxes per phrase, scores descending
     */
    public GroundingResult ground(RgbImage image, String caption, List<List<CharSpan>> spans) {
        Objects.requireNonNull(image, "image");
        requireCaption(caption);
        if (spans == null || spans.isEmpty()) {
            throw new IllegalArgumentException("no phrases to ground in the caption '" + caption + "'");
        }
        long[] labels = new long[spans.size()];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < spans.size(); i++) {
            labels[i] = i + 1;
            if (spans.get(i) == null || spans.get(i).isEmpty()) {
                throw new IllegalArgumentException("phrase " + (i + 1) + " has no character span");
            }
            StringBuilder sb = new StringBuilder();
            for (CharSpan s : spans.get(i)) {
                if (s.end() > caption.length()) {
                    throw new IllegalArgumentException("span [" + s.begin() + ", " + s.end() + ") of phrase " + (i + 1)
                            + " lies outside the caption (" + caption.length() + " characters)");
                }
                if (s.length() == 0) {
                    throw new IllegalArgumentException("span [" + s.begin() + ", " + s.end() + ") of phrase " + (i + 1)
                            + " is empty");
                }
                sb.append(sb.length() == 0 ? "" : " ").append(caption, s.begin(), s.end());
            }
            names.add(sb.toString());
        }
        return run(image, new GroundingPrompts.Prompt(caption, spans), labels, names, true);
    }

    /**
     * Grounds the noun phrases that {@link PhraseFinder} finds in the caption (a heuristic; see there).
     *
     * @param image the image
     * @param caption the caption
     * @return boxes per found phrase (label i+1 = i-th phrase)
     * @throws IllegalArgumentException if the caption is empty or no noun phrase is found
     */
    public GroundingResult groundNounPhrases(RgbImage image, String caption) {
        requireCaption(caption);
        List<PhraseFinder.Phrase> found = PhraseFinder.find(caption);
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no noun phrase found in the caption '" + caption
                    + "'; give the phrases explicitly");
        }
        List<List<CharSpan>> spans = new ArrayList<>();
        for (PhraseFinder.Phrase p : found) {
            spans.add(List.of(p.span()));
        }
        return ground(image, caption, spans);
    }

    private static void requireCaption(String caption) {
        if (caption == null || caption.isBlank()) {
            throw new IllegalArgumentException("the caption is empty");
        }
    }

    /**
     * Grounds phrases given as substrings of the caption (first occurrence of each).
     *
     * @param image the image
     * @param caption the caption
     * @param phrases substrings of the caption
     * @return boxes per phrase
     * @throws IllegalArgumentException if a phrase is not in the caption
     */
    public GroundingResult groundPhrases(RgbImage image, String caption, List<String> phrases) {
        requireCaption(caption);
        if (phrases == null || phrases.isEmpty()) {
            throw new IllegalArgumentException("no phrases to ground in the caption '" + caption + "'");
        }
        List<List<CharSpan>> spans = new ArrayList<>();
        for (String p : phrases) {
            int at = caption.indexOf(p);
            if (p.isEmpty() || at < 0) {
                throw new IllegalArgumentException("phrase '" + p + "' does not occur in the caption '" + caption + "'");
            }
            spans.add(List.of(new CharSpan(at, at + p.length())));
        }
        return ground(image, caption, spans);
    }

    /**
     * Open-vocabulary detection: the caption is {@code "name1. name2. ..."} ({@code create_queries_and_maps});
     * label i+1 is category i. With {@code TEST.CHUNKED_EVALUATION} = k the categories are prompted k at a
     * time and the chunks' detections concatenated, as FIBER's evaluation does (each chunk is post-processed
     * on its own; its labels are numbered from 1 inside the chunk, which changes no score or box).
     *
     * @param image the image
     * @param categories category names
     * @return boxes per category, scores descending
     */
    public GroundingResult detect(RgbImage image, List<String> categories) {
        Objects.requireNonNull(image, "image");
        if (categories == null || categories.isEmpty()) {
            throw new IllegalArgumentException("no categories to detect");
        }
        for (String name : categories) {
            if (name == null || GroundingPrompts.cleanName(name).isBlank()) {
                throw new IllegalArgumentException("empty category name in " + categories);
            }
        }
        GroundingConfig c = model.config();
        int chunk = c.detectionChunk() > 0 ? c.detectionChunk() : categories.size();
        List<GroundingResult.Detection> all = new ArrayList<>();
        String caption = null;
        for (int from = 0; from < categories.size(); from += chunk) {
            List<String> names = categories.subList(from, Math.min(categories.size(), from + chunk));
            GroundingPrompts.Prompt prompt = GroundingPrompts.detectionPrompt(names, c.separator());
            long[] labels = new long[names.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = i + 1;
            }
            GroundingResult part = run(image, prompt, labels, names, false);
            caption = caption == null ? part.caption() : caption + " | " + part.caption();
            for (GroundingResult.Detection d : part.detections()) {
                all.add(new GroundingResult.Detection(d.label() + from, d.phrase(), d.score(), d.x1(), d.y1(), d.x2(),
                        d.y2()));
            }
        }
        all.sort(java.util.Comparator.comparingDouble((GroundingResult.Detection d) -> -d.score()));
        return new GroundingResult(caption, new dev.fiber.core.image.ImageSize(image.height(), image.width()), all);
    }

    private GroundingResult run(RgbImage image, GroundingPrompts.Prompt prompt, long[] labels, List<String> names,
            boolean requireTokens) {
        GroundingConfig c = model.config();
        Encoding enc = tokenizer.encode(prompt.caption(), c.maxQueryLength(), TokenizerFlavor.FINE);
        LabelTokens map = GroundingPrompts.labelTokens(tokenizer, prompt, labels, c.maxQueryLength());
        if (requireTokens) {
            for (int i = 0; i < labels.length; i++) {
                int[] tokens = map.labelToTokens().get(labels[i]);
                if (tokens == null || tokens.length == 0) {
                    throw new IllegalArgumentException("phrase " + (i + 1) + " ('" + names.get(i) + "') covers no token"
                            + " of the caption (only white space, or beyond the " + c.maxQueryLength() + "-token limit)");
                }
            }
        }
        FineImageInput input = transform.apply(image);
        AtssPostProcessor.Result r;
        try (NDManager run = manager.newSubManager()) {
            NDArray pixels = input.toNDArray(run);
            NDArray ids = run.create(enc.idsAsLong(), new ai.djl.ndarray.types.Shape(1, enc.paddedLength()));
            NDArray mask = run.create(enc.attentionMaskAsLong(), new ai.djl.ndarray.types.Shape(1, enc.paddedLength()));
            r = model.predict(pixels, ids, mask, input.imageSize().height(), input.imageSize().width(), map, Trace.NONE);
        }
        Detections d = r.detections().sortedByScore().rescaled(input.imageSize().height(), input.imageSize().width(),
                image.height(), image.width());
        List<GroundingResult.Detection> out = new ArrayList<>();
        for (int i = 0; i < d.size(); i++) {
            long label = d.labels()[i];
            int idx = indexOf(labels, label);
            float[] b = d.boxes();
            out.add(new GroundingResult.Detection(label, names.get(idx), d.scores()[i], b[4 * i], b[4 * i + 1],
                    b[4 * i + 2], b[4 * i + 3]));
        }
        return new GroundingResult(prompt.caption(), input.originalSize(), out);
    }

    private static int indexOf(long[] labels, long label) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == label) {
                return i;
            }
        }
        throw new IllegalStateException("model returned unknown label " + label);
    }

    @Override
    public void close() {
        manager.close();
    }
}
