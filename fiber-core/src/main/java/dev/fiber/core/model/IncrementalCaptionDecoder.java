package dev.fiber.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fiber.core.config.FiberConfig;
import dev.fiber.core.model.roberta.RobertaAttention;
import dev.fiber.core.model.roberta.RobertaEmbeddings;
import dev.fiber.core.model.roberta.RobertaIntermediate;
import dev.fiber.core.model.roberta.RobertaLayer;
import dev.fiber.core.model.roberta.RobertaOutput;
import dev.fiber.core.model.roberta.RobertaSelfAttention;

/**
 * Token-by-token evaluation of FIBER's captioning pass (official {@code infer_caption}, quirk 12)
 * with cached keys and values: the official decoder ({@code objectives.caption_test_step}) re-runs
 * the whole 40-token sequence at every step; this one feeds only the newest token, keeping per text
 * layer the self-attention keys/values of all earlier positions and, per fused layer, the keys/values
 * of the image tokens (computed once, when the decoder starts).
 *
 * <p>Why it is exact: the captioning mask is causal, so position {@code i} of the full pass depends
 * only on tokens {@code 0..i}; the pads after it (position id 1) get probability exactly 0. The
 * official decoder passes {@code text_masks=None}, so no padding mask applies inside the prefix
 * either (pads written after a hypothesis ended are attended, with position id 1); this decoder
 * does the same, and derives position ids the way RoBERTa does ({@code cumsum(id != pad) + 1},
 * 1 for pads). The results equal the full recomputation up to float summation order.
 *
 * <p>Rows are grouped by image: {@code rowsPerImage} consecutive rows (beam hypotheses) share one
 * image, whose keys/values are stored once and broadcast. {@link #reorder} permutes rows (beam
 * search keeps the best children) within their image groups.
 *
 * <p>An instance holds mutable state and is not thread-safe; use one per decoding. Its arrays live
 * in a sub-manager of the given parent, freed by {@link #close()}.
 */
public final class IncrementalCaptionDecoder implements AutoCloseable {

    private final FiberModel model;
    private final NDManager state;
    private final int numImages;
    private final int rowsPerImage;
    private final int rows;
    private final int heads;
    private final int headDim;
    private final int hidden;
    private final int padId;
    private final float divisor;
    private final Layer[] layers;
    private final NDArray[] selfK;
    private final NDArray[] selfV;
    private final NDArray[] crossK;
    private final NDArray[] crossV;
    private final long[] realTokens;
    private int length;

    /** The sub-modules of one text layer the decoder calls. */
    private record Layer(RobertaLayer layer, RobertaAttention attention, RobertaSelfAttention self, RobertaAttention cross,
            RobertaSelfAttention crossSelf, NDArray alpha, RobertaIntermediate intermediate, RobertaOutput output) {}

    private IncrementalCaptionDecoder(FiberModel model, NDManager state, int numImages, int rowsPerImage) {
        FiberConfig cfg = model.config();
        this.model = model;
        this.state = state;
        this.numImages = numImages;
        this.rowsPerImage = rowsPerImage;
        this.rows = numImages * rowsPerImage;
        this.heads = cfg.text().numAttentionHeads();
        this.hidden = cfg.text().hiddenSize();
        this.headDim = hidden / heads;
        this.divisor = (float) Math.sqrt(headDim);
        this.padId = cfg.text().padTokenId();
        int n = cfg.numLayers();
        this.layers = new Layer[n];
        for (int l = 0; l < n; l++) {
            RobertaLayer layer = model.block().textTransformer().encoder().layer(l);
            RobertaAttention att = FusionCache.child(layer, "attention", RobertaAttention.class);
            RobertaAttention cross = layer.isFused() ? FusionCache.child(layer, "crossattention_t2i", RobertaAttention.class) : null;
            layers[l] = new Layer(layer, att, FusionCache.child(att, "self", RobertaSelfAttention.class), cross,
                    cross == null ? null : FusionCache.child(cross, "self", RobertaSelfAttention.class),
                    layer.stateDictParameters().get("alpha_t2i").parameter().getArray(),
                    FusionCache.child(layer, "intermediate", RobertaIntermediate.class),
                    FusionCache.child(layer, "output", RobertaOutput.class));
        }
        this.selfK = new NDArray[n];
        this.selfV = new NDArray[n];
        this.crossK = new NDArray[n];
        this.crossV = new NDArray[n];
        this.realTokens = new long[rows];
    }

    /**
     * Starts decoding: computes the image keys/values of every fused text layer once.
     *
     * @param model a model with captioning layers ({@code cross_modal_att_layers})
     * @param parent manager under which the decoder's state lives (a sub-manager is created)
     * @param imageEmbeds (B, L, DIM_IMG) from {@link FiberModel#captionImageEmbeds}
     * @param rowsPerImage decoding rows per image (the beam size; 1 for greedy decoding)
     * @return the decoder, at length 0
     * @throws IllegalStateException if the model has no captioning layers
     */
    public static IncrementalCaptionDecoder start(FiberModel model, NDManager parent, NDArray imageEmbeds, int rowsPerImage) {
        FiberConfig cfg = model.config();
        if (!cfg.hasCaption()) {
            throw new IllegalStateException("this model has no captioning layers (loss_names has no caption_* entry)");
        }
        if (rowsPerImage < 1) {
            throw new IllegalArgumentException("rowsPerImage must be >= 1, got " + rowsPerImage);
        }
        Shape s = imageEmbeds.getShape();
        if (s.dimension() != 3 || s.get(2) != cfg.inputImageEmbedSize()) {
            throw new IllegalArgumentException("image embeds must be (B, L, " + cfg.inputImageEmbedSize() + "), got " + s);
        }
        NDManager state = parent.newSubManager(model.device());
        IncrementalCaptionDecoder d = new IncrementalCaptionDecoder(model, state, (int) s.get(0), rowsPerImage);
        try {
            d.encodeImage(imageEmbeds);
            return d;
        } catch (RuntimeException e) {
            state.close();
            throw e;
        }
    }

    private void encodeImage(NDArray imageEmbeds) {
        @SuppressWarnings("unchecked")
        ModuleList<LinearLayer> att = FusionCache.child(model.block(), "cross_modal_att_layers", ModuleList.class);
        FiberConfig cfg = model.config();
        try (NDManager scope = state.newSubManager()) {
            scope.tempAttachAll(imageEmbeds);
            NDArray image = imageEmbeds.toDevice(model.device(), false).toType(model.dataType(), false);
            long l = image.getShape().get(1);
            for (int i = cfg.numPreTextLayers(); i < cfg.numLayers(); i++) {
                NDArray src = i < cfg.numLayers() - 2 ? att.get(i).forward(ForwardContext.INFERENCE, image) : image;
                RobertaSelfAttention cs = layers[i].crossSelf();
                crossK[i] = keep(heads(linear(cs, "key", src), l).expandDims(1));
                crossV[i] = keep(heads(linear(cs, "value", src), l).expandDims(1));
            }
        }
    }

    /** @return number of images */
    public int numImages() {
        return numImages;
    }

    /** @return rows per image */
    public int rowsPerImage() {
        return rowsPerImage;
    }

    /** @return total rows ({@code numImages * rowsPerImage}) */
    public int rows() {
        return rows;
    }

    /** @return number of tokens fed so far */
    public int length() {
        return length;
    }

    /**
     * Feeds one token per row at position {@link #length()} and returns the caption features of that
     * position, i.e. {@code infer_caption(...)["text_feats"][:, length]} of the full pass.
     *
     * @param out manager that will own the result
     * @param tokens one token id per row
     * @return (rows, 1, hidden_size) features (apply {@link FiberModel#mlmLogits} for the logits)
     */
    public NDArray step(NDManager out, long[] tokens) {
        if (tokens.length != rows) {
            throw new IllegalArgumentException("expected " + rows + " tokens, got " + tokens.length);
        }
        int vocab = model.config().text().vocabSize();
        long[] positions = new long[rows];
        for (int r = 0; r < rows; r++) {
            if (tokens[r] < 0 || tokens[r] >= vocab) {
                throw new IllegalArgumentException("token id " + tokens[r] + " outside the vocabulary [0, " + vocab + ")");
            }
            if (tokens[r] != padId) {
                positions[r] = realTokens[r] + 1 + padId;
            } else {
                positions[r] = padId;
            }
        }
        long maxPos = model.config().text().maxPositionEmbeddings();
        for (long p : positions) {
            if (p >= maxPos) {
                throw new IllegalStateException("position " + p + " exceeds the " + maxPos + " position embeddings");
            }
        }
        ForwardContext ctx = ForwardContext.INFERENCE;
        NDArray result;
        try (NDManager scope = state.newSubManager()) {
            NDArray ids = scope.create(tokens, new Shape(rows, 1));
            NDArray pos = scope.create(positions, new Shape(rows, 1));
            RobertaEmbeddings emb = model.block().textTransformer().embeddings();
            NDArray h = FusionCache.child(emb, "word_embeddings", EmbeddingTable.class).forward(ctx, ids)
                    .add(FusionCache.child(emb, "token_type_embeddings", EmbeddingTable.class).forward(ctx, ids.zerosLike()));
            h = h.add(FusionCache.child(emb, "position_embeddings", EmbeddingTable.class).forward(ctx, pos));
            h = FusionCache.child(emb, "LayerNorm", LayerNormLayer.class).forward(ctx, h);
            for (int l = 0; l < layers.length; l++) {
                h = layer(ctx, l, h);
            }
            result = FusionCache.child(model.block(), "cross_modal_text_transform", LinearLayer.class).forward(ctx, h);
            result.attach(out);
        }
        for (int r = 0; r < rows; r++) {
            if (tokens[r] != padId) {
                realTokens[r]++;
            }
        }
        length++;
        return result;
    }

    private NDArray layer(ForwardContext ctx, int l, NDArray h) {
        Layer ly = layers[l];
        // self-attention of the new position over all cached positions (causal: nothing later exists)
        NDArray q = heads(linear(ly.self(), "query", h), 1);
        NDArray k = heads(linear(ly.self(), "key", h), 1);
        NDArray v = heads(linear(ly.self(), "value", h), 1);
        NDArray keys = selfK[l] == null ? k : NDArrays.concat(new NDList(selfK[l], k), 2);
        NDArray values = selfV[l] == null ? v : NDArrays.concat(new NDList(selfV[l], v), 2);
        replace(selfK, l, keys);
        replace(selfV, l, values);
        NDArray probs = q.matMul(keys.transpose(0, 1, 3, 2)).div(divisor).softmax(-1);
        NDArray context = probs.matMul(values).transpose(0, 2, 1, 3).reshape(rows, 1, hidden);
        NDArray a = ly.attention().output().forward(ctx, context);
        if (crossK[l] != null) {
            // (rows, 1, H) -> (B, r, heads, 1, hd), broadcast against the image's (B, 1, heads, L, hd)
            NDArray cq = linear(ly.crossSelf(), "query", a).reshape(numImages, rowsPerImage, 1, heads, headDim).transpose(0, 1, 3, 2, 4);
            NDArray cp = cq.matMul(crossK[l].transpose(0, 1, 2, 4, 3)).div(divisor).softmax(-1);
            NDArray c = cp.matMul(crossV[l]).transpose(0, 1, 3, 2, 4).reshape(rows, 1, hidden);
            c = ly.cross().output().forward(ctx, c);
            a = c.mul(ly.alpha()).add(a);
        }
        NDArray x = ly.attention().output().layerNorm().forward(ctx, a.add(h));
        return ly.output().forward(ctx, ly.intermediate().forward(ctx, x), x, true);
    }

    /**
     * Keeps the rows {@code parents[r]} as new row {@code r} (beam search: each kept hypothesis
     * continues its parent's prefix). Parents must belong to the same image group as their row.
     *
     * @param parents for each row, the row it continues
     */
    public void reorder(int[] parents) {
        if (parents.length != rows) {
            throw new IllegalArgumentException("expected " + rows + " parent rows, got " + parents.length);
        }
        long[] idx = new long[rows];
        boolean identity = true;
        for (int r = 0; r < rows; r++) {
            int p = parents[r];
            if (p < 0 || p >= rows || p / rowsPerImage != r / rowsPerImage) {
                throw new IllegalArgumentException("row " + r + " cannot continue row " + p + " (rows of one image are "
                        + (r / rowsPerImage) * rowsPerImage + ".." + ((r / rowsPerImage + 1) * rowsPerImage - 1) + ")");
            }
            idx[r] = p;
            identity &= p == r;
        }
        long[] counts = new long[rows];
        for (int r = 0; r < rows; r++) {
            counts[r] = realTokens[parents[r]];
        }
        System.arraycopy(counts, 0, realTokens, 0, rows);
        if (identity || length == 0) {
            return;
        }
        try (NDManager scope = state.newSubManager()) {
            NDArray index = scope.create(idx);
            for (int l = 0; l < layers.length; l++) {
                replace(selfK, l, selfK[l].get(new NDIndex("{}", index)));
                replace(selfV, l, selfV[l].get(new NDIndex("{}", index)));
            }
        }
    }

    private NDArray linear(RobertaSelfAttention attention, String name, NDArray x) {
        return FusionCache.child(attention, name, LinearLayer.class).forward(ForwardContext.INFERENCE, x);
    }

    /** (N, T, H) -> (N, heads, T, hd). */
    private NDArray heads(NDArray x, long t) {
        return x.reshape(x.getShape().get(0), t, heads, headDim).transpose(0, 2, 1, 3);
    }

    private NDArray keep(NDArray a) {
        a.attach(state);
        return a;
    }

    private void replace(NDArray[] slots, int i, NDArray value) {
        NDArray old = slots[i];
        slots[i] = keep(value);
        if (old != null && old != value) {
            old.close();
        }
    }

    /** @return the data type of the cached arrays */
    public DataType dataType() {
        return model.dataType();
    }

    @Override
    public void close() {
        state.close();
    }
}
