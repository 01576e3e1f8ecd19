package dev.fiber.core.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;

import java.util.function.Supplier;

/**
 * Runs a computation in its own {@link NDScope} so that every temporary array it creates is freed
 * as soon as it returns, keeping only the result(s).
 *
 * <p>Used around each transformer block / head layer so that the peak memory of a forward pass is one
 * block's temporaries, not the whole network's. The result is handed to the enclosing scope (if any),
 * so nested use frees it when the outer computation ends unless the outer code keeps it too.
 */
public final class Scoped {

    private Scoped() {}

    /**
     * Computes one array, freeing all other arrays created meanwhile.
     *
     * @param computation must return an array it created (not one of its inputs or a parameter, which
     *     would otherwise be handed to the enclosing scope and closed with it)
     * @return the result
     */
    public static NDArray keep(Supplier<NDArray> computation) {
        NDArray out;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            out = computation.get();
            NDScope.unregister(out);
        }
        NDScope.register(out);
        return out;
    }

    /**
     * Computes several arrays, freeing all other arrays created meanwhile.
     *
     * @param computation must return arrays it created
     * @return the results
     */
    public static NDList keepAll(Supplier<NDList> computation) {
        NDList out;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            out = computation.get();
            NDScope.unregister(out);
        }
        for (NDArray a : out) {
            NDScope.register(a);
        }
        return out;
    }
}
