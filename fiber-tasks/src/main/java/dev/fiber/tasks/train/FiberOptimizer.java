package dev.fiber.tasks.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.ParamSlot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * FIBER's optimiser as {@code fiber_utils.set_schedule} configures it: AdamW (transformers 4.6.0 rule,
 * {@link AdamW}) over the six {@link ParameterGroups} (lr multipliers for heads and cross-modal
 * parameters, no weight decay on biases and norms), with the {@link LrSchedule} applied per optimizer step
 * like PyTorch's {@code LambdaLR} stepped after every optimizer step.
 *
 * <p>{@link #step} takes the gradients in PyTorch's {@code .grad} form ({@link Gradients#read}):
 * a {@code null} gradient means the parameter is skipped (no state change, no weight decay), exactly as
 * {@code p.grad is None} in the original. Parameter values are read from the model, updated in float32 in
 * Java and written back in place (gradient tracking is kept). Only {@code optim_type = "adamw"} is
 * supported: it is what every FIBER configuration uses.
 */
public final class FiberOptimizer {

    private final FiberModel model;
    private final ParameterGroups groups;
    private final LrSchedule schedule;
    private final AdamW.Hyper hyper;
    private final Map<String, AdamW.State> states = new LinkedHashMap<>();
    private final Map<String, Integer> groupOf = new LinkedHashMap<>();
    private long steps;

    /**
     * @param model    the model whose parameters are optimised (float32)
     * @param config   lr, weight decay, multipliers ({@code optim_type} must be {@code adamw})
     * @param schedule the lr multiplier per optimizer step
     * @param hyper    betas / eps / bias correction ({@link AdamW.Hyper#FIBER})
     */
    public FiberOptimizer(FiberModel model, OptimConfig config, LrSchedule schedule, AdamW.Hyper hyper) {
        this.model = Objects.requireNonNull(model, "model");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.hyper = Objects.requireNonNull(hyper, "hyper");
        if (!"adamw".equals(config.optimType())) {
            throw new IllegalArgumentException("only optim_type 'adamw' is implemented (FIBER's configs all use it), got '"
                    + config.optimType() + "'");
        }
        if (model.dataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("training needs float32 parameters, the model has " + model.dataType());
        }
        List<String> names = new ArrayList<>(model.block().stateDictParameters().keySet());
        this.groups = ParameterGroups.assign(names, config);
        for (ParameterGroups.Group g : groups.groups()) {
            for (String n : g.names()) {
                groupOf.put(n, g.index());
            }
        }
    }

    /**
     * A schedule with a constant multiplier 1 (every group always uses its initial lr).
     *
     * @return the schedule
     */
    public static LrSchedule constantSchedule() {
        return new LrSchedule() {
            @Override
            public double lambda(long step) {
                return 1.0;
            }

            @Override
            public long warmupSteps() {
                return 0;
            }

            @Override
            public long trainingSteps() {
                return Long.MAX_VALUE;
            }
        };
    }

    /** @return the parameter groups */
    public ParameterGroups groups() {
        return groups;
    }

    /** @return the schedule */
    public LrSchedule schedule() {
        return schedule;
    }

    /** @return the number of optimizer steps taken (the index of the next one) */
    public long steps() {
        return steps;
    }

    /**
     * @param step a 0-based optimizer step
     * @return the six groups' lrs at that step
     */
    public double[] groupLrs(long step) {
        double[] lrs = new double[groups.groups().size()];
        for (int g = 0; g < lrs.length; g++) {
            lrs[g] = schedule.lr(groups.group(g).lr(), step);
        }
        return lrs;
    }

    /**
     * @return the per-parameter Adam states created so far (live; parameters that never had a gradient have none)
     */
    public Map<String, AdamW.State> states() {
        return Collections.unmodifiableMap(states);
    }

    /**
     * Restores the optimizer (resume): the step counter and the Adam states.
     *
     * @param stepCount optimizer steps already taken
     * @param restored  per-parameter states (copied by reference)
     */
    public void restore(long stepCount, Map<String, AdamW.State> restored) {
        if (stepCount < 0) {
            throw new IllegalArgumentException("step count must be >= 0, got " + stepCount);
        }
        Map<String, ParamSlot> params = model.block().stateDictParameters();
        for (Map.Entry<String, AdamW.State> e : restored.entrySet()) {
            ParamSlot slot = params.get(e.getKey());
            if (slot == null) {
                throw new IllegalArgumentException("optimizer state for unknown parameter " + e.getKey());
            }
            if (e.getValue().expAvg().length != slot.shape().size()) {
                throw new IllegalArgumentException("optimizer state of " + e.getKey() + " has " + e.getValue().expAvg().length
                        + " elements, the parameter " + slot.shape().size());
            }
        }
        states.clear();
        states.putAll(restored);
        steps = stepCount;
    }

    /**
     * One optimizer step ({@code optimizer.step()} then {@code scheduler.step()}): every parameter with a
     * gradient is updated with its group's lr at the current step.
     *
     * @param grads name to gradient (or {@code null}), e.g. from {@link Gradients#read}
     * @return the group lrs this step used
     */
    public double[] step(Map<String, float[]> grads) {
        double[] lrs = groupLrs(steps);
        try (NoGrad ng = NoGrad.enter()) {
            for (Map.Entry<String, ParamSlot> e : model.block().stateDictParameters().entrySet()) {
                String name = e.getKey();
                float[] g = grads.get(name);
                Integer group = groupOf.get(name);
                if (g == null || group == null) {
                    continue;
                }
                NDArray p = e.getValue().parameter().getArray();
                float[] values = p.toFloatArray();
                AdamW.State st = states.computeIfAbsent(name, k -> new AdamW.State(values.length));
                AdamW.step(values, g, st, lrs[group], groups.group(group).weightDecay(), hyper);
                p.set(values);
            }
        }
        steps++;
        return lrs;
    }
}
