package dev.fiber.tasks.train;

import java.util.Objects;

/**
 * The AdamW update FIBER trains with: {@code transformers.optimization.AdamW} (transformers 4.6.0,
 * {@code correct_bias=True}), betas (0.9, 0.98), eps 1e-8, as built by {@code fiber_utils.set_schedule}.
 * A pure function on float32 arrays with explicit state; it mirrors the float32 tensor operations of the
 * original in the same order:
 * <pre>
 *   m = m·β1 + (1−β1)·g
 *   v = v·β2 + (1−β2)·g·g
 *   denom = sqrt(v) + eps                       (eps NOT bias-corrected)
 *   stepSize = lr · sqrt(1 − β2^t) / (1 − β1^t)  (double; lr alone if correctBias is false)
 *   p = p − stepSize · m / denom
 *   p = p − lr·wd · p                           (decoupled decay AFTER the update, only if wd &gt; 0)
 * </pre>
 * Rounding follows PyTorch's float32 CPU kernels: the scalars are rounded to float32, and
 * {@code add_(g, alpha)}, {@code addcmul_} and the decay {@code add_} are fused multiply-adds
 * ({@link Math#fma}), so the official unit case is reproduced bit for bit.
 * This differs from {@code torch.optim.AdamW} (which decays first and adds eps to the bias-corrected
 * {@code sqrt(v)}); the difference shows for gradients of about 1e-7 and below. A parameter without a
 * gradient (PyTorch {@code grad is None}) is skipped entirely: no state change, no decay.
 */
public final class AdamW {

    /**
     * Hyper-parameters shared by all groups.
     *
     * @param beta1       first-moment decay
     * @param beta2       second-moment decay
     * @param eps         denominator epsilon
     * @param correctBias whether to apply Adam's bias correction to the step size
     */
    public record Hyper(double beta1, double beta2, double eps, boolean correctBias) {
        /** FIBER's settings: (0.9, 0.98), 1e-8, bias correction on. */
        public static final Hyper FIBER = new Hyper(0.9, 0.98, 1e-8, true);

        /** Validates. */
        public Hyper {
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
            }
            if (!(eps >= 0)) {
                throw new IllegalArgumentException("eps must be >= 0, got " + eps);
            }
        }
    }

    /**
     * The per-parameter optimizer state ({@code exp_avg}, {@code exp_avg_sq}, {@code step}); created lazily
     * on a parameter's first gradient, like the original. Mutable: updated in place by {@link #step}.
     */
    public static final class State {
        private final float[] expAvg;
        private final float[] expAvgSq;
        private long step;

        /**
         * @param size number of elements of the parameter
         */
        public State(int size) {
            this(new float[size], new float[size], 0);
        }

        /**
         * @param expAvg   first moments (taken, not copied)
         * @param expAvgSq second moments (taken, not copied)
         * @param step     number of updates done so far
         */
        public State(float[] expAvg, float[] expAvgSq, long step) {
            if (expAvg.length != expAvgSq.length) {
                throw new IllegalArgumentException("moment sizes differ: " + expAvg.length + " vs " + expAvgSq.length);
            }
            this.expAvg = expAvg;
            this.expAvgSq = expAvgSq;
            this.step = step;
        }

        /** @return the first moments (live array) */
        public float[] expAvg() {
            return expAvg;
        }

        /** @return the second moments (live array) */
        public float[] expAvgSq() {
            return expAvgSq;
        }

        /** @return the number of updates done */
        public long step() {
            return step;
        }
    }

    private AdamW() {}

    /**
     * Applies one AdamW update to a parameter, in place.
     *
     * @param param       parameter values (updated)
     * @param grad        its gradient, or {@code null} for "no gradient" (then nothing happens)
     * @param state       its optimizer state (updated)
     * @param lr          the group's current lr
     * @param weightDecay the group's weight decay
     * @param hyper       betas, eps, bias correction
     * @return whether an update was applied ({@code false} when {@code grad} is null)
     * @throws IllegalArgumentException if the sizes disagree
     */
    public static boolean step(float[] param, float[] grad, State state, double lr, double weightDecay, Hyper hyper) {
        Objects.requireNonNull(param, "param");
        Objects.requireNonNull(state, "state");
        if (grad == null) {
            return false;
        }
        if (grad.length != param.length || state.expAvg.length != param.length) {
            throw new IllegalArgumentException("AdamW: parameter has " + param.length + " elements, gradient "
                    + grad.length + ", state " + state.expAvg.length);
        }
        state.step++;
        float beta1 = (float) hyper.beta1();
        float beta2 = (float) hyper.beta2();
        float oneMinusBeta1 = (float) (1.0 - hyper.beta1());
        float oneMinusBeta2 = (float) (1.0 - hyper.beta2());
        float eps = (float) hyper.eps();
        double stepSize = lr;
        if (hyper.correctBias()) {
            double bc1 = 1.0 - Math.pow(hyper.beta1(), state.step);
            double bc2 = 1.0 - Math.pow(hyper.beta2(), state.step);
            stepSize = stepSize * Math.sqrt(bc2) / bc1;
        }
        float negStep = (float) -stepSize;
        float[] m = state.expAvg;
        float[] v = state.expAvgSq;
        for (int i = 0; i < param.length; i++) {
            float g = grad[i];
            m[i] = Math.fma(oneMinusBeta1, g, m[i] * beta1);
            v[i] = Math.fma(oneMinusBeta2 * g, g, v[i] * beta2);
            float denom = (float) Math.sqrt(v[i]) + eps;
            param[i] = param[i] + negStep * m[i] / denom;
        }
        if (weightDecay > 0.0) {
            float decay = (float) (-lr * weightDecay);
            for (int i = 0; i < param.length; i++) {
                param[i] = Math.fma(decay, param[i], param[i]);
            }
        }
        return true;
    }
}
