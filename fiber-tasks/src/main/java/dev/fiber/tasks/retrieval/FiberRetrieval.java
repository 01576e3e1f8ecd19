package dev.fiber.tasks.retrieval;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import dev.fiber.core.image.RgbImage;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.text.FiberTokenizer;
import dev.fiber.tasks.common.FiberTask;
import dev.fiber.tasks.common.FiberTaskModel;
import dev.fiber.tasks.common.TaskZoo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Image-text retrieval with an official FIBER checkpoint: ITC embeddings for fast search
 * ({@link EmbeddingIndex}), ITM scores for precise re-ranking of the top candidates (the two stages
 * of FIBER's retrieval evaluation, {@code compute_itc_recall} / {@code compute_itm_recall}).
 * <pre>{@code
 * try (FiberRetrieval r = FiberRetrieval.load("fiber-coco-retrieval-itm")) {
 *     float[] q = r.embedText("a dog catching a frisbee");
 *     List<Hit> top = imageIndex.search(q, 16);
 *     List<RerankedHit> best = r.rerankImages("a dog catching a frisbee", top, id -> images.get((int) id));
 * }
 * }</pre>
 * Re-ranking one image against k texts (or one text against k images) computes the single side's
 * uni-modal bottom once. Each call uses its own {@link Predictor}; an instance may be shared by
 * threads.
 */
public final class FiberRetrieval implements AutoCloseable {

    private final ZooModel<RgbImage, float[]> zoo;
    private final FiberTaskModel model;
    private final TextEmbeddingTranslator text;
    private final ItmTranslator itm;
    private final ItmQueryTranslator itmCached;
    private final ItmQueryTranslator itmUncached;

    private FiberRetrieval(ZooModel<RgbImage, float[]> zoo) {
        this.zoo = zoo;
        this.model = (FiberTaskModel) zoo.getWrappedModel();
        int size = model.fiberModel().config().imageSize();
        int len = model.fiberModel().config().maxTextLen();
        FiberTokenizer tok = FiberTokenizer.roberta();
        this.text = new TextEmbeddingTranslator(tok, len);
        this.itm = new ItmTranslator(size, tok, len);
        this.itmCached = new ItmQueryTranslator(size, tok, len, true);
        this.itmUncached = new ItmQueryTranslator(size, tok, len, false);
    }

    /**
     * @param checkpoint path, URL or model name (e.g. {@code fiber-coco-retrieval-itm})
     * @return the loaded task
     * @throws IOException if the checkpoint cannot be found or read
     */
    public static FiberRetrieval load(String checkpoint) throws IOException {
        return builder(checkpoint).build();
    }

    /**
     * @param checkpoint path, URL or model name
     * @return a builder
     */
    public static Builder builder(String checkpoint) {
        return new Builder(checkpoint);
    }

    private <I, O> O one(Translator<I, O> t, I input) throws TranslateException {
        try (Predictor<I, O> p = model.newPredictor(t)) {
            return p.predict(input);
        }
    }

    private <I, O> List<O> batch(Translator<I, O> t, List<I> inputs) throws TranslateException {
        try (Predictor<I, O> p = model.newPredictor(t)) {
            return p.batchPredict(inputs);
        }
    }

    /**
     * @param image an image
     * @return its L2-normalised ITC embedding
     * @throws TranslateException if inference fails
     */
    public float[] embedImage(RgbImage image) throws TranslateException {
        try (Predictor<RgbImage, float[]> p = zoo.newPredictor()) {
            return p.predict(image);
        }
    }

    /**
     * @param images images (one forward pass)
     * @return their embeddings
     * @throws TranslateException if inference fails
     */
    public List<float[]> embedImages(List<RgbImage> images) throws TranslateException {
        try (Predictor<RgbImage, float[]> p = zoo.newPredictor()) {
            return p.batchPredict(images);
        }
    }

    /**
     * @param t a text (not blank)
     * @return its L2-normalised ITC embedding
     * @throws TranslateException if the text is empty or inference fails
     */
    public float[] embedText(String t) throws TranslateException {
        return one(text, t);
    }

    /**
     * @param texts texts (one forward pass)
     * @return their embeddings
     * @throws TranslateException if a text is empty or inference fails
     */
    public List<float[]> embedTexts(List<String> texts) throws TranslateException {
        return batch(text, texts);
    }

    /**
     * The ITC logit of {@code compute_itc}: cosine similarity divided by the learned temperature
     * (clamped to [0.001, 1] as officially).
     *
     * @param imageEmbedding from {@link #embedImage}
     * @param textEmbedding from {@link #embedText}
     * @return the similarity logit
     * @throws IllegalStateException if the checkpoint has no ITC temperature
     */
    public float itcLogit(float[] imageEmbedding, float[] textEmbedding) {
        double dot = 0;
        for (int i = 0; i < imageEmbedding.length; i++) {
            dot += imageEmbedding[i] * textEmbedding[i];
        }
        return (float) (dot / temperature());
    }

    /**
     * @return the clamped ITC temperature
     * @throws IllegalStateException if the checkpoint has no ITC temperature ({@code loss_names.itc} 0)
     */
    public float temperature() {
        var t = model.fiberModel().block().temperature();
        if (t == null) {
            throw new IllegalStateException("this checkpoint has no ITC temperature (temp); use cosine similarities");
        }
        return Math.min(1f, Math.max(0.001f, t.getArray().getFloat()));
    }

    /**
     * @param image the image
     * @param t the text
     * @return their ITM score
     * @throws TranslateException if the text is empty, the checkpoint has no ITM head, or inference fails
     */
    public ItmScore itm(RgbImage image, String t) throws TranslateException {
        return one(itm, new ItmPair(image, t));
    }

    /**
     * @param pairs aligned pairs (one batched forward pass)
     * @return their ITM scores
     * @throws TranslateException if a text is empty, the checkpoint has no ITM head, or inference fails
     */
    public List<ItmScore> itm(List<ItmPair> pairs) throws TranslateException {
        return batch(itm, pairs);
    }

    /**
     * Scores one image against several texts or one text against several images (the single side's
     * uni-modal bottom computed once when {@code useCache}).
     *
     * @param query the pairs
     * @param useCache reuse the single side's uni-modal bottom (same scores, faster)
     * @return the scores in pair order
     * @throws TranslateException if a text is empty, the checkpoint has no ITM head, or inference fails
     */
    public List<ItmScore> itm(ItmQuery query, boolean useCache) throws TranslateException {
        return one(useCache ? itmCached : itmUncached, query).scores();
    }

    /**
     * Re-ranks ITC hits of texts for an image by ITM.
     *
     * @param image the query image
     * @param hits first-stage hits (ids of texts)
     * @param textOf the text of an id
     * @return the hits sorted by ITM match logit, best first (ties: ITC order)
     * @throws TranslateException if inference fails
     */
    public List<RerankedHit> rerankTexts(RgbImage image, List<Hit> hits, LongFunction<String> textOf) throws TranslateException {
        if (hits.isEmpty()) {
            return List.of();
        }
        List<String> texts = new ArrayList<>(hits.size());
        for (Hit h : hits) {
            texts.add(textOf.apply(h.id()));
        }
        return sort(hits, itm(ItmQuery.imageVsTexts(image, texts), true));
    }

    /**
     * Re-ranks ITC hits of images for a text by ITM.
     *
     * @param t the query text
     * @param hits first-stage hits (ids of images)
     * @param imageOf the image of an id
     * @return the hits sorted by ITM match logit, best first (ties: ITC order)
     * @throws TranslateException if inference fails
     */
    public List<RerankedHit> rerankImages(String t, List<Hit> hits, LongFunction<RgbImage> imageOf) throws TranslateException {
        if (hits.isEmpty()) {
            return List.of();
        }
        List<RgbImage> images = new ArrayList<>(hits.size());
        for (Hit h : hits) {
            images.add(imageOf.apply(h.id()));
        }
        return sort(hits, itm(ItmQuery.textVsImages(t, images), true));
    }

    private static List<RerankedHit> sort(List<Hit> hits, List<ItmScore> scores) {
        List<RerankedHit> out = new ArrayList<>(hits.size());
        for (int i = 0; i < hits.size(); i++) {
            out.add(new RerankedHit(hits.get(i).id(), hits.get(i).score(), scores.get(i)));
        }
        // stable: equal ITM logits keep the ITC order
        out.sort(Comparator.comparingDouble((RerankedHit h) -> h.itm().matchLogit()).reversed());
        return out;
    }

    /** @return the DJL model (image embedding translator) */
    public ZooModel<RgbImage, float[]> zooModel() {
        return zoo;
    }

    /** @return the underlying FIBER model */
    public FiberModel fiberModel() {
        return model.fiberModel();
    }

    /** @return whether the checkpoint has the ITM head */
    public boolean hasItm() {
        return model.fiberModel().config().hasItm();
    }

    @Override
    public void close() {
        zoo.close();
    }

    /** Builder of {@link FiberRetrieval}. */
    public static final class Builder {
        private final Map<String, Object> args = new HashMap<>();
        private Device device;

        private Builder(String checkpoint) {
            args.put("checkpoint", checkpoint);
        }

        /**
         * @param size input resolution (default: the official evaluation resolution of a named model, else the checkpoint's)
         * @return this builder
         */
        public Builder optImageSize(int size) {
            args.put("imageSize", size);
            return this;
        }

        /**
         * @param d device
         * @return this builder
         */
        public Builder optDevice(Device d) {
            this.device = d;
            return this;
        }

        /**
         * @return the loaded task
         * @throws IOException if the checkpoint cannot be found or read
         */
        public FiberRetrieval build() throws IOException {
            ZooModel<RgbImage, float[]> m = TaskZoo.load(FiberTask.RETRIEVAL, RgbImage.class, float[].class, args, device);
            return new FiberRetrieval(m);
        }
    }
}
