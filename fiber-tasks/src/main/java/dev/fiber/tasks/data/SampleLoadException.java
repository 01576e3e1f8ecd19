package dev.fiber.tasks.data;

/**
 * A sample (or the collation of a batch) failed in a {@link DataLoader}; thrown from the consumer's
 * {@code next()} with the sample's identity, the epoch, and the original exception as cause.
 */
public final class SampleLoadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int index;
    private final int epoch;
    private final String sample;

    /**
     * @param index  the sample index, or -1 when collation failed
     * @param epoch  the epoch
     * @param sample the sample's description (or the batch's)
     * @param cause  the failure
     */
    public SampleLoadException(int index, int epoch, String sample, Throwable cause) {
        super((index >= 0 ? "cannot load " : "cannot collate ") + sample + " (epoch " + epoch + "): " + cause, cause);
        this.index = index;
        this.epoch = epoch;
        this.sample = sample;
    }

    /** @return the failing sample's index, or -1 for a collation failure */
    public int index() {
        return index;
    }

    /** @return the epoch */
    public int epoch() {
        return epoch;
    }

    /** @return the sample's description */
    public String sample() {
        return sample;
    }
}
