package dev.fiber.core.model.load;

import java.util.List;

/**
 * What loading a state dict into a FIBER model did, in the terms of PyTorch's
 * {@code load_state_dict}: which parameters were {@code loaded}, which the architecture expected
 * but the checkpoint lacked ({@code missing}; freshly initialised when loading is not strict),
 * which the checkpoint had but the architecture does not ({@code unexpected}), which known keys
 * were skipped unread (the ITC queue buffers), which relative-position tables were resized to
 * another resolution, and which stored buffers were checked against their recomputed values.
 *
 * @param source description of the checkpoint
 * @param loaded parameter keys loaded
 * @param missing parameter keys not in the checkpoint
 * @param unexpected checkpoint keys the model does not have
 * @param skipped checkpoint keys deliberately ignored (ITC queues)
 * @param resized relative-position tables interpolated to the model's window
 * @param buffersChecked buffer keys whose stored values matched the recomputed ones
 */
public record LoadReport(String source, List<String> loaded, List<String> missing, List<String> unexpected, List<String> skipped,
        List<String> resized, List<String> buffersChecked) {

    /** Copies the lists. */
    public LoadReport {
        loaded = List.copyOf(loaded);
        missing = List.copyOf(missing);
        unexpected = List.copyOf(unexpected);
        skipped = List.copyOf(skipped);
        resized = List.copyOf(resized);
        buffersChecked = List.copyOf(buffersChecked);
    }

    /** @return whether every parameter was loaded and nothing was unexpected */
    public boolean isExact() {
        return missing.isEmpty() && unexpected.isEmpty();
    }

    @Override
    public String toString() {
        return "LoadReport[" + source + ": " + loaded.size() + " loaded, " + missing.size() + " missing, " + unexpected.size()
                + " unexpected, " + skipped.size() + " skipped, " + resized.size() + " resized, " + buffersChecked.size() + " buffers checked]"
                + ModelLoadException.list("missing", missing) + ModelLoadException.list("unexpected", unexpected);
    }
}
