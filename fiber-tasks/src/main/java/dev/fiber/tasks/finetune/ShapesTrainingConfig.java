package dev.fiber.tasks.finetune;

import dev.fiber.tasks.train.Dropouts;
import dev.fiber.tasks.shapes.ShapesConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the shapes VQA fine-tuning proof ({@link ShapesTraining}): a small FIBER trained from
 * scratch on freshly generated shapes questions, evaluated on a held-out set of another seed.
 *
 * @param imageSize      model input resolution (multiple of 32; the scenes are rendered at this size)
 * @param maxTextLen     padded question length
 * @param embedDim       Swin embedding width (stage widths embedDim x 1, 2, 4, 8)
 * @param textHidden     RoBERTa width (intermediate 4x)
 * @param hiddenSize     FIBER cross-modal width ({@code hidden_size})
 * @param batchSize      samples per optimizer step
 * @param learningRate   base lr (times {@code lrMultHead} for the VQA head, {@code lrMultCrossModal} for cross-modal parameters)
 * @param warmupFraction warmup as a fraction of the steps
 * @param maxSteps       optimizer steps the schedule spans (training stops earlier at the time limit)
 * @param timeLimit      wall-time budget of the training (evaluations excluded), or {@code null}
 * @param trainSeed      generator seed of the training examples
 * @param evalSeed       generator seed of the held-out examples
 * @param evalCount      held-out examples
 * @param evalEverySteps evaluate every this many steps
 * @param workers        data-loading threads
 * @param seed           seed of the initialisation, data order and dropout
 * @param dropouts       dropout / drop-path rates
 * @param fusionGateInit initial value of the fusion gates {@code alpha_i2t} / {@code alpha_t2i} (official: 0, because
 *                       FIBER starts from pre-trained uni-modal backbones; from scratch a non-zero gate lets the two
 *                       modalities exchange information from the first step)
 * @param outputDir      checkpoint directory ({@code null} = no checkpoints)
 * @param shapes         the generated data (its image size is replaced by {@code imageSize})
 * @param questionsPerImage questions asked about each generated image within a batch ({@code batchSize} must be a
 *                       multiple); FIBER's image bottom then runs once per image ({@link ShapesTraining#sharedImageStep})
 * @param initGain       0 = the official initialisation (weights N(0, 0.02)); &gt; 0 = every matrix and convolution
 *                       weight drawn from N(0, gain² / fan_in) instead, which suits the small widths of a model trained
 *                       from scratch (N(0, 0.02) is calibrated for width 768), residual-branch outputs further divided by
 *                       sqrt(2 x depth), and the answer logits' bias starting at the log-odds of a uniform answer prior
 *                       ({@link ShapesTraining#createModel})
 * @param gradientClip   clip the global gradient norm to this (0 = off)
 * @param lrMultHead     lr multiplier of the VQA head (official 10 for VQAv2 fine-tuning from pre-trained weights)
 * @param lrMultCrossModal lr multiplier of the cross-modal parameters (official 5)
 * @param microBatchThreads each batch is split into this many micro-batches (gradient accumulation) computed at once on
 *                       as many threads ({@link dev.fiber.tasks.train.Trainer#microBatchThreads}; same gradients);
 *                       {@code batchSize} must be a multiple of it times {@code questionsPerImage}
 */
public record ShapesTrainingConfig(int imageSize, int maxTextLen, int embedDim, int textHidden, int hiddenSize, int batchSize,
        double learningRate, double warmupFraction, long maxSteps, Duration timeLimit, long trainSeed, long evalSeed, int evalCount,
        long evalEverySteps, int workers, long seed, Dropouts dropouts, double fusionGateInit, Path outputDir, ShapesConfig shapes,
        int questionsPerImage, double initGain, double gradientClip, double lrMultHead, double lrMultCrossModal, int microBatchThreads) {

    /** Validates. */
    public ShapesTrainingConfig {
        Objects.requireNonNull(dropouts, "dropouts");
        Objects.requireNonNull(shapes, "shapes");
        shapes = shapes.withImageSize(imageSize);
        if (imageSize < 32 || imageSize % 32 != 0) {
            throw new IllegalArgumentException("image size must be a positive multiple of 32, got " + imageSize);
        }
        if (batchSize < 1 || maxSteps < 1 || evalCount < 1 || maxTextLen < 4 || workers < 0) {
            throw new IllegalArgumentException("batch size, max steps, eval count must be >= 1, max text length >= 4, workers >= 0");
        }
        if (questionsPerImage < 1 || batchSize % questionsPerImage != 0) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be a multiple of the questions per image " + questionsPerImage);
        }
        if (microBatchThreads < 1 || batchSize % (microBatchThreads * questionsPerImage) != 0) {
            throw new IllegalArgumentException("batch size " + batchSize + " must split into " + microBatchThreads
                    + " micro-batches of whole images (" + questionsPerImage + " questions each)");
        }
        if (!(initGain >= 0) || !(gradientClip >= 0) || !(lrMultHead > 0) || !(lrMultCrossModal > 0)) {
            throw new IllegalArgumentException("init gain and gradient clip must be >= 0, lr multipliers > 0");
        }
        if (trainSeed == evalSeed) {
            throw new IllegalArgumentException("training and held-out seeds must differ (both " + trainSeed + ")");
        }
    }

    /**
     * The configuration of the committed proof run ({@code docs/PERFORMANCE.md}, "Fine-tuning proof").
     *
     * @return the defaults
     */
    public static ShapesTrainingConfig defaults() {
        return new ShapesTrainingConfig(64, 12, 8, 32, 48, 256, 1e-3, 0.03, 3000, Duration.ofMinutes(15), 1, 1001, 1000, 100, 1,
                0, Dropouts.NONE, 1.0, null, ShapesTraining.PROOF_SHAPES, 8, 1.0, 1.0, 1, 1, 2);
    }
}
