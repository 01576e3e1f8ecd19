package dev.fiber.core.checkpoint;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Random access to one checkpoint file through a {@link FileChannel}: positional, thread-safe reads
 * of exactly the bytes asked for, so unrequested tensors are never read. Every out-of-range or
 * failed read becomes a {@link CheckpointException}.
 */
final class FileSource implements Closeable {

    private final Path path;
    private final FileChannel channel;
    private final long size;

    private FileSource(Path path, FileChannel channel, long size) {
        this.path = path;
        this.channel = channel;
        this.size = size;
    }

    static FileSource open(Path path) throws CheckpointException {
        if (path == null) {
            throw new CheckpointException(null, null, -1, "no file given");
        }
        if (Files.isDirectory(path)) {
            throw new CheckpointException(path, null, -1, "is a directory, not a checkpoint file");
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
            return new FileSource(path, ch, ch.size());
        } catch (NoSuchFileException e) {
            throw new CheckpointException(path, null, -1, "file not found", e);
        } catch (IOException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            throw new CheckpointException(path, null, -1, "cannot open: " + e, e);
        }
    }

    Path path() {
        return path;
    }

    long size() {
        return size;
    }

    /**
     * Fills {@code dst} (all of its remaining bytes) from the file starting at {@code position}.
     *
     * @param what what is being read, for the error message
     */
    void read(long position, ByteBuffer dst, String what) throws CheckpointException {
        int n = dst.remaining();
        if (position < 0 || position > size || n > size - position) {
            throw new CheckpointException(path, null, position, "truncated file: " + what + " needs " + n
                    + " bytes at offset " + position + " but the file has only " + size + " bytes");
        }
        long pos = position;
        try {
            while (dst.hasRemaining()) {
                int r = channel.read(dst, pos);
                if (r < 0) {
                    throw new CheckpointException(path, null, pos, "unexpected end of file while reading "
                            + what + " (the file shrank while open?)");
                }
                pos += r;
            }
        } catch (ClosedChannelException e) {
            throw new CheckpointException(path, null, position, "the checkpoint is closed (or its reading"
                    + " thread was interrupted) while reading " + what, e);
        } catch (IOException e) {
            throw new CheckpointException(path, null, position, "I/O error reading " + what + ": " + e, e);
        }
    }

    /** Reads {@code n} bytes at {@code position} into a new array. */
    byte[] readBytes(long position, int n, String what) throws CheckpointException {
        if (n < 0) {
            throw new CheckpointException(path, null, position, "negative length reading " + what);
        }
        if (position < 0 || position > size || n > size - position) {
            throw new CheckpointException(path, null, position, "truncated file: " + what + " needs " + n
                    + " bytes at offset " + position + " but the file has only " + size + " bytes");
        }
        byte[] b = new byte[n];
        read(position, ByteBuffer.wrap(b), what);
        return b;
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing useful to do: the file was only read
        }
    }
}
