package dev.fiber.tasks.grounding.nn;

import java.util.List;

/**
 * Outcome of loading a state dict into a {@link StateBlock} tree.
 *
 * @param loaded model keys that received a tensor
 * @param missing model keys for which the checkpoint has no tensor
 * @param mismatched model keys whose checkpoint tensor has another shape ({@code key: model vs checkpoint})
 * @param unused checkpoint keys (after prefix stripping) that no model key took
 */
public record LoadReport(List<String> loaded, List<String> missing, List<String> mismatched, List<String> unused) {

    /** @return whether every model parameter was loaded with the right shape */
    public boolean complete() {
        return missing.isEmpty() && mismatched.isEmpty();
    }

    @Override
    public String toString() {
        return "loaded " + loaded.size() + ", missing " + missing + ", mismatched " + mismatched + ", unused " + unused;
    }
}
