package dev.fiber.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * What every forward method of the FIBER blocks needs besides its inputs: where parameter values
 * come from (a DJL {@link ParameterStore} during training, so gradients and multi-device copies work,
 * or the parameters' own arrays for inference) and whether dropout / drop-path are active.
 *
 * @param store parameter store, or {@code null} to read the parameters' arrays directly
 * @param training training mode (dropout and stochastic depth on, as in PyTorch {@code train()})
 */
public record ForwardContext(ParameterStore store, boolean training) {

    /** Inference context: no parameter store, no dropout. */
    public static final ForwardContext INFERENCE = new ForwardContext(null, false);

    /**
     * @param p a parameter
     * @param like an activation on the device where the value is needed
     * @return the parameter's value for this pass
     */
    public NDArray value(Parameter p, NDArray like) {
        if (store == null) {
            return p.getArray();
        }
        return store.getValue(p, like.getDevice(), training);
    }
}
