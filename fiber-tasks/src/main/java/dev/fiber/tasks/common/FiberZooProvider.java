package dev.fiber.tasks.common;

import ai.djl.repository.zoo.ModelZoo;
import ai.djl.repository.zoo.ZooProvider;

/** Registers {@link FiberModelZoo} with DJL's {@code ServiceLoader} lookup of model zoos. */
public final class FiberZooProvider implements ZooProvider {

    @Override
    public ModelZoo getModelZoo() {
        return new FiberModelZoo();
    }
}
