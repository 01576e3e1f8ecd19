package dev.fiber.tasks.grounding.head;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** Hard sigmoid of MobileNetV3 / DyHead: {@code relu6(x + 3) / 6}. */
final class HSigmoid {

    private HSigmoid() {}

    /**
     * @param x input
     * @return {@code relu6(x + 3) / 6}
     */
    static NDArray apply(NDArray x) {
        return Activation.relu6(x.add(3f)).div(6f);
    }
}
