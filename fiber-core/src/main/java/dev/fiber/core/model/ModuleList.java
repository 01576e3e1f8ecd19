package dev.fiber.core.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * PyTorch {@code nn.ModuleList} / {@code nn.Sequential} container: children named {@code "0"},
 * {@code "1"}, ... (or explicit indices, as {@code nn.Sequential} skips parameter-free members).
 * As a DJL block it applies its members in order.
 *
 * @param <B> member type
 */
public final class ModuleList<B extends StateDictBlock> extends StateDictBlock {

    private final List<B> members = new ArrayList<>();

    /**
     * Appends a member named by its position.
     *
     * @param block the member
     * @return {@code block}
     */
    public B add(B block) {
        return add(members.size(), block);
    }

    /**
     * Appends a member under an explicit index name (for Sequentials with parameter-free members).
     *
     * @param index its index in the official container
     * @param block the member
     * @return {@code block}
     */
    public B add(int index, B block) {
        child(Integer.toString(index), block);
        members.add(block);
        return block;
    }

    /**
     * @param i position
     * @return the i-th member
     */
    public B get(int i) {
        return members.get(i);
    }

    /** @return number of members */
    public int size() {
        return members.size();
    }

    /** @return the members in order */
    public List<B> members() {
        return Collections.unmodifiableList(members);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList x = inputs;
        for (B b : members) {
            x = b.forward(ps, x, training, params);
        }
        return x;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] s = inputShapes;
        for (B b : members) {
            s = b.getOutputShapes(s);
        }
        return s;
    }
}
