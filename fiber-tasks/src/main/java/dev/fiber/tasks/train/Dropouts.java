package dev.fiber.tasks.train;

import dev.fiber.core.config.FiberConfig;
import dev.fiber.core.config.SwinConfig;
import dev.fiber.core.config.TextConfig;

/**
 * The stochastic regularisers that are active when FIBER trains (PyTorch {@code train()} mode): the
 * RoBERTa {@code hidden_dropout_prob} (embeddings, attention output, FFN output, also in the fused
 * cross-attention) and {@code attention_probs_dropout_prob} (attention probabilities), both 0.1 in
 * {@code roberta-base}, and Swin's stochastic depth ({@code drop_path_rate} 0.1, block {@code k} of 24
 * using {@code 0.1 * k / 23}). FIBER's own {@code drop_rate} key does not reach any of them (it only
 * configures the MLM head's unused BertConfig dropout).
 *
 * @param hidden    RoBERTa hidden dropout
 * @param attention RoBERTa attention-probability dropout
 * @param dropPath  Swin drop-path rate of the last block
 */
public record Dropouts(double hidden, double attention, double dropPath) {

    /** No dropout anywhere (how the training reference was computed, for exact comparisons). */
    public static final Dropouts NONE = new Dropouts(0, 0, 0);

    /** Validates the rates. */
    public Dropouts {
        check("hidden", hidden);
        check("attention", attention);
        check("drop_path", dropPath);
    }

    private static void check(String name, double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException(name + " dropout must be in [0, 1), got " + p);
        }
    }

    /**
     * @param config a model configuration
     * @return the rates it trains with
     */
    public static Dropouts of(FiberConfig config) {
        return new Dropouts(config.text().hiddenDropoutProb(), config.text().attentionProbsDropoutProb(), config.swin().dropPathRate());
    }

    /**
     * @param config a model configuration
     * @return a copy of it with these rates (architecture unchanged)
     */
    public FiberConfig applyTo(FiberConfig config) {
        TextConfig t = config.text();
        TextConfig text = new TextConfig(t.hiddenSize(), t.numHiddenLayers(), t.numAttentionHeads(), t.intermediateSize(), t.vocabSize(),
                t.maxPositionEmbeddings(), t.typeVocabSize(), t.layerNormEps(), t.padTokenId(), hidden, attention);
        SwinConfig s = config.swin();
        SwinConfig swin = new SwinConfig(s.patchSize(), s.inChans(), s.embedDim(), s.depths(), s.numHeads(), s.mlpRatio(), s.qkvBias(),
                s.ape(), s.patchNorm(), s.layerNormEps(), s.dimText(), dropPath);
        return new FiberConfig(config.imageSize(), config.resolutionBefore(), config.vit(), config.tokenizer(),
                config.inputImageEmbedSize(), config.inputTextEmbedSize(), config.hiddenSize(), config.numHeads(), config.numLayers(),
                config.mlpRatio(), config.dropRate(), config.numFuseBlock(), config.maxTextLen(), config.vocabSize(),
                config.vqav2LabelSize(), config.itcPooler(), config.lossNames(), swin, text);
    }
}
