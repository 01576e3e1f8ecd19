package dev.fiber.tasks.finetune;

import dev.fiber.tasks.data.SampleSource;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Already loaded samples as a {@link SampleSource} (an evaluation set prepared once and reused at every
 * evaluation).
 *
 * @param <T> sample type
 * @param items the samples
 * @param name  description for messages
 */
public record ListSource<T>(List<T> items, String name) implements SampleSource<T> {

    /** Copies the list. */
    public ListSource {
        items = List.copyOf(items);
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public T load(int index, RandomGenerator rng) {
        return items.get(index);
    }

    @Override
    public String describe(int index) {
        return name + " sample " + index;
    }
}
