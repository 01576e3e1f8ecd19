package dev.fiber.tasks.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.ForwardContext;
import dev.fiber.core.model.Nn;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

/**
 * Forward + backward of the micro-batches of one optimizer step (gradient accumulation): each loss is
 * divided by the accumulation factor and back-propagated, so the gradients libtorch accumulates on the
 * parameters add up to the gradient of the mean loss.
 *
 * <p>With one thread the micro-batches run one after the other on the caller's thread, each with its
 * dropout seed. With {@code threads > 1} up to that many run at once on worker threads (one libtorch
 * intra-op thread each is what this is for: small models leave a second core idle — the shapes proof
 * runs 1.3x faster with two). libtorch accumulates concurrent backward passes into the shared
 * {@code .grad} under a lock; two contributions give the same sum in either order, so with two
 * micro-batches per step the gradients equal the sequential ones bit for bit (tested). With more
 * micro-batches per step the order of the additions, and with dropout the interleaving of the random
 * draws, vary between runs.
 */
final class MicroBatchRunner<B> implements AutoCloseable {

    private final FiberModel model;
    private final TrainingStep<B> step;
    private final ForwardContext ctx;
    private final int threads;
    private final ExecutorService pool;

    /**
     * @param model   the model
     * @param step    the loss of a micro-batch
     * @param ctx     the training context
     * @param threads micro-batches computed at once, &ge; 1
     */
    MicroBatchRunner(FiberModel model, TrainingStep<B> step, ForwardContext ctx, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("micro-batch threads must be >= 1, got " + threads);
        }
        this.model = model;
        this.step = step;
        this.ctx = ctx;
        this.threads = threads;
        if (threads == 1) {
            pool = null;
        } else {
            AtomicInteger n = new AtomicInteger();
            pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "fiber-train-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
    }

    /** @return micro-batches computed at once */
    int threads() {
        return threads;
    }

    /**
     * Computes the losses of some micro-batches and accumulates their gradients.
     *
     * @param batches    the micro-batches (at most {@link #threads()} are computed at once)
     * @param accumulate the accumulation factor each loss is divided by before backward
     * @param seeds      the dropout seed of micro-batch i (applied per micro-batch when sequential, once per
     *                   wave when concurrent)
     * @param where      describes micro-batch i for error messages
     * @return the losses (undivided), in order
     * @throws IllegalStateException if a loss is not finite (its backward is not run)
     * @throws Exception             if a step fails
     */
    float[] run(List<B> batches, int accumulate, IntUnaryOperator seeds, IntFunction<String> where) throws Exception {
        float[] losses = new float[batches.size()];
        if (pool == null) {
            for (int i = 0; i < batches.size(); i++) {
                Engine.getInstance().setRandomSeed(seeds.applyAsInt(i));
                losses[i] = backward(batches.get(i), accumulate, where, i);
            }
            return losses;
        }
        for (int start = 0; start < batches.size(); start += threads) {
            int end = Math.min(batches.size(), start + threads);
            Engine.getInstance().setRandomSeed(seeds.applyAsInt(start));
            List<Future<Float>> wave = new ArrayList<>();
            for (int i = start; i < end; i++) {
                final int index = i;
                wave.add(pool.submit(() -> backward(batches.get(index), accumulate, where, index)));
            }
            Exception failure = null;
            for (int i = start; i < end; i++) {
                try {
                    losses[i] = wave.get(i - start).get();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (failure == null) {
                        failure = cause instanceof Exception ex ? ex : new IllegalStateException(cause);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
        return losses;
    }

    /**
     * One micro-batch, on the calling thread: what DJL's {@code GradientCollector} does (gradient mode on,
     * backward from ones), without its process-wide "one collector at a time" flag, since libtorch's gradient
     * mode is per thread and concurrent backward passes are allowed.
     */
    private float backward(B batch, int accumulate, IntFunction<String> where, int index) {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray loss = step.loss(ctx, batch, scope);
            float value = loss.getFloat();
            if (!Float.isFinite(value)) {
                throw new IllegalStateException("non-finite training loss " + value + " at " + where.apply(index)
                        + "; lower the learning rate or enable clipping");
            }
            NDArray scaled = accumulate > 1 ? Nn.divScalar(loss, accumulate) : loss;
            NDArray seed = scope.ones(scaled.getShape(), scaled.getDataType());
            JniUtils.backward((PtNDArray) scaled, (PtNDArray) seed, false, false);
            return value;
        } finally {
            JniUtils.setGradMode(previous);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
