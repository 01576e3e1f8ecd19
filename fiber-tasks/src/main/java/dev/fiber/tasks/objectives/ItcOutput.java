package dev.fiber.tasks.objectives;

import ai.djl.ndarray.NDArray;

/**
 * What {@link ItcObjective#compute} returns: the contrastive loss and the hard negatives it drew for
 * the image-text matching loss (official {@code compute_itc} returns {@code ret, image_neg, text_neg,
 * text_mask_neg}).
 *
 * @param loss             0-d loss {@code (loss_i2t + loss_t2i) / 2}
 * @param simI2t           (B, B + size) image-to-text similarities (differentiable)
 * @param simT2i           (B, B + size) text-to-image similarities (differentiable)
 * @param imageFeat        (B, hidden) normalised image features of the uni-modal pass
 * @param textFeat         (B, hidden) normalised text features of the uni-modal pass
 * @param weightsT2i       per text row, the weights handed to the sampler for its image negative
 *                         (softmax over the first {@code B + candidates} columns, diagonal 0, + 1e-9)
 * @param weightsI2t       per image row, the weights for its text negative
 * @param negImageIndex    the drawn image negatives, indices into {@code cat(batch images, queue inputs)}
 * @param negTextIndex     the drawn text negatives, indices into {@code cat(batch texts, queue inputs)}
 * @param imageNeg         (B, 3, S, S) the negative images
 * @param textNeg          (B, T) the negative texts' ids
 * @param textMaskNeg      (B, T) their masks
 */
public record ItcOutput(NDArray loss, NDArray simI2t, NDArray simT2i, NDArray imageFeat, NDArray textFeat, float[][] weightsT2i,
        float[][] weightsI2t, int[] negImageIndex, int[] negTextIndex, NDArray imageNeg, NDArray textNeg, NDArray textMaskNeg) {}
