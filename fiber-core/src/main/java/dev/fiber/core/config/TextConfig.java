package dev.fiber.core.config;

import com.google.gson.annotations.SerializedName;

/**
 * Architecture of the RoBERTa text encoder ({@code text_transformer}) of FIBER. FIBER builds it with
 * {@code RobertaModel.from_pretrained("roberta-base")}, so these values come from the HuggingFace
 * {@code config.json} of that model, not from FIBER's own config; JSON names are HuggingFace's.
 *
 * @param hiddenSize width of the text states (768 for roberta-base)
 * @param numHiddenLayers number of layers; FIBER hard-wires 12
 * @param numAttentionHeads heads of the self- and text-to-image cross-attention
 * @param intermediateSize FFN hidden width
 * @param vocabSize rows of the word-embedding table (50265)
 * @param maxPositionEmbeddings rows of the position-embedding table (514)
 * @param typeVocabSize rows of the token-type table (1)
 * @param layerNormEps epsilon of the encoder's LayerNorms (1e-5 for roberta-base)
 * @param padTokenId id of {@code <pad>} (1); position ids are computed from it
 * @param hiddenDropoutProb dropout on embeddings and sub-layer outputs (0.1), training only
 * @param attentionProbsDropoutProb dropout on attention probabilities (0.1), training only
 */
public record TextConfig(
        @SerializedName("hidden_size") int hiddenSize,
        @SerializedName("num_hidden_layers") int numHiddenLayers,
        @SerializedName("num_attention_heads") int numAttentionHeads,
        @SerializedName("intermediate_size") int intermediateSize,
        @SerializedName("vocab_size") int vocabSize,
        @SerializedName("max_position_embeddings") int maxPositionEmbeddings,
        @SerializedName("type_vocab_size") int typeVocabSize,
        @SerializedName("layer_norm_eps") double layerNormEps,
        @SerializedName("pad_token_id") int padTokenId,
        @SerializedName("hidden_dropout_prob") double hiddenDropoutProb,
        @SerializedName("attention_probs_dropout_prob") double attentionProbsDropoutProb) {

    /** Validates the values. */
    public TextConfig {
        if (hiddenSize <= 0 || numHiddenLayers <= 0 || numAttentionHeads <= 0 || intermediateSize <= 0
                || vocabSize <= 0 || maxPositionEmbeddings <= 0 || typeVocabSize <= 0) {
            throw new IllegalArgumentException("text: sizes must be positive");
        }
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("text: hidden_size " + hiddenSize + " is not divisible by " + numAttentionHeads + " heads");
        }
        if (padTokenId < 0 || padTokenId >= vocabSize) {
            throw new IllegalArgumentException("text: pad_token_id " + padTokenId + " outside the vocabulary");
        }
        if (layerNormEps <= 0 || hiddenDropoutProb < 0 || hiddenDropoutProb >= 1 || attentionProbsDropoutProb < 0 || attentionProbsDropoutProb >= 1) {
            throw new IllegalArgumentException("text: layer_norm_eps must be positive and dropout rates in [0, 1)");
        }
    }

    /** @return the HuggingFace {@code roberta-base} configuration */
    public static TextConfig robertaBase() {
        return new TextConfig(768, 12, 12, 3072, 50265, 514, 1, 1e-5, 1, 0.1, 0.1);
    }

    /** @return the width of one attention head */
    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }
}
