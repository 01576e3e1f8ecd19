package dev.fiber.tasks.train;

import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch's {@code torch.no_grad()} for the current thread: inside, libtorch records no autograd graph
 * (in-place updates of parameters are allowed, inference costs no graph memory). libtorch's grad mode is
 * per thread and on by default on threads other than the one DJL initialised the engine on, so
 * evaluation code running on any thread should enter this scope.
 */
public final class NoGrad implements AutoCloseable {

    private final boolean previous;

    private NoGrad() {
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
    }

    /** @return a scope that restores the previous grad mode when closed */
    public static NoGrad enter() {
        return new NoGrad();
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
