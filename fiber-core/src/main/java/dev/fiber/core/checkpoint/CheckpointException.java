package dev.fiber.core.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The one exception type of the checkpoint readers ({@link TorchCheckpoint}, {@link SafeTensors}):
 * every problem with an input file, whether it is truncated, corrupt, malformed, unsafe or simply not
 * a checkpoint, ends in this exception (or a subclass such as {@link UnsafeGlobalException}), never in
 * an index, cast or allocation error.
 *
 * <p>The message names the file, the region of the file the problem was found in (for example the
 * zip record {@code tiny/data.pkl}, the zip central directory or the safetensors header), the byte
 * position inside that region and the cause, e.g.
 * {@code unsafe.pt: refused pickle global posix.system (at byte 196 of record unsafe/data.pkl)}.
 */
public class CheckpointException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String region;
    private final long position;
    private final String reason;

    /**
     * @param file the file being read (may be {@code null} when there is none)
     * @param region the part of the file the position refers to, e.g. {@code "tiny/data.pkl"};
     *     {@code null} when the position is an offset in the whole file
     * @param position byte offset inside {@code region} (or the file), {@code -1} when not applicable
     * @param reason what is wrong
     */
    public CheckpointException(Path file, String region, long position, String reason) {
        this(file, region, position, reason, null);
    }

    /**
     * @param file the file being read (may be {@code null} when there is none)
     * @param region the part of the file the position refers to; {@code null} for the whole file
     * @param position byte offset inside {@code region} (or the file), {@code -1} when not applicable
     * @param reason what is wrong
     * @param cause the underlying exception, if any
     */
    public CheckpointException(Path file, String region, long position, String reason, Throwable cause) {
        super(format(file, region, position, reason), cause);
        this.file = file;
        this.region = region;
        this.position = position;
        this.reason = reason;
    }

    private static String format(Path file, String region, long position, String reason) {
        StringBuilder sb = new StringBuilder();
        sb.append(file == null ? "<no file>" : file.toString()).append(": ").append(reason);
        if (position >= 0) {
            sb.append(" (at byte ").append(position);
            sb.append(region == null ? " of the file" : " of " + region).append(')');
        } else if (region != null) {
            sb.append(" (in ").append(region).append(')');
        }
        return sb.toString();
    }

    /** @return the file being read, or {@code null} */
    public Path file() {
        return file;
    }

    /** @return the region of the file the position refers to, or {@code null} for the whole file */
    public String region() {
        return region;
    }

    /** @return the byte position inside {@link #region()} (or the file), or {@code -1} */
    public long position() {
        return position;
    }

    /** @return the bare reason, without file and position */
    public String reason() {
        return reason;
    }
}
