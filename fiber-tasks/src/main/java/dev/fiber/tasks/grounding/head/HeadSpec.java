package dev.fiber.tasks.grounding.head;

/**
 * Widths of the VLDyHead, read from checkpoint shapes.
 *
 * @param inChannels FPN channels
 * @param channels head channels ({@code MODEL.DYHEAD.CHANNELS})
 * @param numConvs DyConv layers ({@code NUM_CONVS}, 6)
 * @param dyReluSqueeze DyReLU hidden width (channels / 4)
 * @param gnGroups GroupNorm groups ({@code MODEL.GROUP_NORM.NUM_GROUPS}; configuration, not in the weights)
 * @param numClasses label columns ({@code cls_logits} channels = {@code NUM_CLASSES - 1})
 * @param langDim text width ({@code LANG_DIM})
 * @param numLevels pyramid levels (5)
 */
public record HeadSpec(long inChannels, long channels, int numConvs, long dyReluSqueeze, int gnGroups,
        long numClasses, long langDim, int numLevels) {}
