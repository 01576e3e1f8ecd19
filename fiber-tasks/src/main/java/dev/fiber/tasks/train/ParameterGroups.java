package dev.fiber.tasks.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The six optimizer parameter groups of FIBER's {@code fiber_utils.set_schedule}, as a pure function of the
 * parameter names (substring matches, exactly as the official list comprehensions):
 *
 * <table>
 *   <caption>groups</caption>
 *   <tr><th>group</th><th>rule</th><th>lr</th><th>weight decay</th></tr>
 *   <tr><td>0</td><td>not no-decay, not head, not cross-modal</td><td>lr</td><td>wd</td></tr>
 *   <tr><td>1</td><td>no-decay, not head, not cross-modal</td><td>lr</td><td>0</td></tr>
 *   <tr><td>2</td><td>head, not no-decay, not cross-modal</td><td>lr × lr_mult_head</td><td>wd</td></tr>
 *   <tr><td>3</td><td>head, no-decay, not cross-modal</td><td>lr × lr_mult_head</td><td>0</td></tr>
 *   <tr><td>4</td><td>cross-modal, not no-decay, not head</td><td>lr × lr_mult_cross_modal</td><td>wd</td></tr>
 *   <tr><td>5</td><td>cross-modal, no-decay, not head</td><td>lr × lr_mult_cross_modal</td><td>0</td></tr>
 * </table>
 *
 * A name that matches both a head and a cross-modal substring belongs to no group and is therefore never
 * optimised (as in the official code; no FIBER parameter does). Consequences worth knowing: every name
 * containing {@code "bias"} (including {@code relative_position_bias_table}) is not decayed, but the
 * LayerNorms {@code vqa_classifier.1.weight}, {@code attn.norm_i2t_i.weight} are decayed.
 *
 * @param groups     the six groups, index 0..5
 * @param unassigned names in no group, in input order
 */
public record ParameterGroups(List<Group> groups, List<String> unassigned) {

    /** Substrings marking parameters without weight decay. */
    public static final List<String> NO_DECAY = List.of("bias", "LayerNorm.bias", "LayerNorm.weight", "norm.bias",
            "norm.weight", "norm1.bias", "norm1.weight", "norm2.bias", "norm2.weight");
    /** Substrings marking task-head parameters (lr × {@code lr_mult_head}). */
    public static final List<String> HEAD_NAMES = List.of("vqa_classifier", "nlvr2_classifier", "mlm_score",
            "itm_score", "snli_classifier");
    /** Substrings marking cross-modal parameters (lr × {@code lr_mult_cross_modal}). */
    public static final List<String> CROSS_MODAL_NAMES = List.of("cross_modal", "i2t", "t2i");

    /**
     * One parameter group.
     *
     * @param index       0..5
     * @param names       parameter names, in input order
     * @param lr          the group's (initial) lr
     * @param weightDecay the group's weight decay
     */
    public record Group(int index, List<String> names, double lr, double weightDecay) {}

    /** Copies. */
    public ParameterGroups {
        groups = List.copyOf(groups);
        unassigned = List.copyOf(unassigned);
    }

    /**
     * Assigns parameters to groups.
     *
     * @param names  parameter names in {@code named_parameters()} order
     * @param config lr, weight decay and multipliers
     * @return the groups
     */
    public static ParameterGroups assign(List<String> names, OptimConfig config) {
        double lr = config.learningRate();
        double wd = config.weightDecay();
        double[] lrs = {lr, lr, lr * config.lrMultHead(), lr * config.lrMultHead(), lr * config.lrMultCrossModal(),
            lr * config.lrMultCrossModal()};
        double[] wds = {wd, 0.0, wd, 0.0, wd, 0.0};
        List<List<String>> members = new ArrayList<>();
        for (int g = 0; g < 6; g++) {
            members.add(new ArrayList<>());
        }
        List<String> none = new ArrayList<>();
        for (String name : names) {
            int g = groupOf(name);
            if (g < 0) {
                none.add(name);
            } else {
                members.get(g).add(name);
            }
        }
        List<Group> groups = new ArrayList<>();
        for (int g = 0; g < 6; g++) {
            groups.add(new Group(g, Collections.unmodifiableList(members.get(g)), lrs[g], wds[g]));
        }
        return new ParameterGroups(groups, none);
    }

    /**
     * @param name a parameter name
     * @return its group index 0..5, or -1 if it is both a head and a cross-modal parameter
     */
    public static int groupOf(String name) {
        boolean noDecay = matchesAny(name, NO_DECAY);
        boolean head = matchesAny(name, HEAD_NAMES);
        boolean cross = matchesAny(name, CROSS_MODAL_NAMES);
        if (head && cross) {
            return -1;
        }
        int base = head ? 2 : cross ? 4 : 0;
        return base + (noDecay ? 1 : 0);
    }

    /**
     * @param index 0..5
     * @return that group
     */
    public Group group(int index) {
        return groups.get(index);
    }

    private static boolean matchesAny(String name, List<String> substrings) {
        for (String s : substrings) {
            if (name.contains(s)) {
                return true;
            }
        }
        return false;
    }
}
