package dev.fiber.tasks.train;

import java.util.Map;

/**
 * {@code torch.nn.utils.clip_grad_norm_(parameters, max_norm)} (what Lightning's {@code gradient_clip_val}
 * calls) on Java gradients: the global L2 norm over every existing gradient, and when it exceeds
 * {@code maxNorm} every gradient is multiplied by {@code maxNorm / (norm + 1e-6)}.
 */
public final class GradientClipping {

    private GradientClipping() {}

    /**
     * @param grads name to gradient ({@code null} entries are ignored)
     * @return the global L2 norm (accumulated in double)
     */
    public static double globalNorm(Map<String, float[]> grads) {
        double s = 0;
        for (float[] g : grads.values()) {
            if (g == null) {
                continue;
            }
            for (float v : g) {
                s += (double) v * v;
            }
        }
        return Math.sqrt(s);
    }

    /**
     * Clips in place.
     *
     * @param grads   gradients (modified)
     * @param maxNorm the largest allowed norm (&gt; 0)
     * @return the norm before clipping
     */
    public static double clip(Map<String, float[]> grads, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("max norm must be > 0, got " + maxNorm);
        }
        double norm = globalNorm(grads);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            float c = (float) coef;
            for (float[] g : grads.values()) {
                if (g == null) {
                    continue;
                }
                for (int i = 0; i < g.length; i++) {
                    g[i] *= c;
                }
            }
        }
        return norm;
    }
}
