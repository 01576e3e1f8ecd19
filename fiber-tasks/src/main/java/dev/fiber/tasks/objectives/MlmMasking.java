package dev.fiber.tasks.objectives;

import dev.fiber.core.text.FiberTokenizer;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The BERT masking FIBER's pre-training data pipeline applies to every text (HuggingFace
 * {@code DataCollatorForLanguageModeling(mlm_probability=0.15)} as built by {@code datamodule_base.py}):
 * every token that is not a special token ({@code <s>}, {@code </s>}, {@code <pad>}, {@code <unk>},
 * {@code <mask>}) is selected with probability {@code probability}; a selected token becomes a label
 * (all other labels are -100) and is replaced by {@code <mask>} with probability 0.8, by a uniformly random
 * vocabulary id with probability 0.1, and kept with probability 0.1.
 *
 * <p>The random draws come from the given {@link RandomGenerator} (seeded by the caller), so the masking
 * is reproducible in Java; it is statistically, not bitwise, the same as PyTorch's draws.
 *
 * @param probability selection probability ({@code mlm_prob}, 0.15)
 * @param maskTokenId id of {@code <mask>}
 * @param vocabSize   random replacements are drawn from {@code [0, vocabSize)} ({@code len(tokenizer)})
 * @param specialIds  ids that are never selected
 */
public record MlmMasking(double probability, int maskTokenId, int vocabSize, int[] specialIds) {

    /** Validates. */
    public MlmMasking {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("mlm probability must be in [0, 1], got " + probability);
        }
        if (vocabSize <= 0 || maskTokenId < 0 || maskTokenId >= vocabSize) {
            throw new IllegalArgumentException("mask id " + maskTokenId + " must lie in a vocabulary of " + vocabSize);
        }
        specialIds = specialIds.clone();
    }

    /** @return a copy of the never-selected ids */
    @Override
    public int[] specialIds() {
        return specialIds.clone();
    }

    /**
     * FIBER's masking for a tokenizer: 15 %, its {@code <mask>}, its vocabulary size and special ids.
     *
     * @param tokenizer the RoBERTa tokenizer
     * @return the masking
     */
    public static MlmMasking fiber(FiberTokenizer tokenizer) {
        Objects.requireNonNull(tokenizer, "tokenizer");
        return new MlmMasking(0.15, tokenizer.maskId(), tokenizer.vocabSize(),
                new int[] {tokenizer.bosId(), tokenizer.padId(), tokenizer.eosId(), tokenizer.unkId(), tokenizer.maskId()});
    }

    /**
     * A masked batch of texts ({@code text_ids_mlm}, {@code text_labels_mlm}).
     *
     * @param ids    masked token ids, same layout as the input
     * @param labels original id at each selected position, -100 elsewhere
     */
    public record Masked(long[] ids, long[] labels) {}

    /**
     * Masks token ids.
     *
     * @param ids token ids (any layout, e.g. B*T row-major); not modified
     * @param rng random source
     * @return the masked ids and labels
     */
    public Masked apply(long[] ids, RandomGenerator rng) {
        long[] out = ids.clone();
        long[] labels = new long[ids.length];
        java.util.Arrays.fill(labels, Losses.IGNORE_INDEX);
        for (int i = 0; i < ids.length; i++) {
            if (isSpecial(ids[i]) || rng.nextDouble() >= probability) {
                continue;
            }
            labels[i] = ids[i];
            double r = rng.nextDouble();
            if (r < 0.8) {
                out[i] = maskTokenId;
            } else if (r < 0.9) {
                out[i] = rng.nextInt(vocabSize);
            }
        }
        return new Masked(out, labels);
    }

    private boolean isSpecial(long id) {
        for (int s : specialIds) {
            if (s == id) {
                return true;
            }
        }
        return false;
    }
}
