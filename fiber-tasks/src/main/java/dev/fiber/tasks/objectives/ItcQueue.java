package dev.fiber.tasks.objectives;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Objects;
import java.util.Random;

/**
 * The ALBEF-style memory FIBER's {@code compute_itc} keeps between training steps (the buffers
 * {@code image_queue}, {@code text_queue} (hidden, size), {@code image_input_queue},
 * {@code text_input_queue}, {@code text_input_mask_queue}, {@code queue_ptr}, {@code queue_total} of
 * {@code FIBERTransformerSS}, filled by {@code _dequeue_and_enqueue}).
 *
 * <p>Semantics kept from the official code:
 * <ul>
 *   <li>the feature queues of a fresh model are N(0, 1) columns, <em>not</em> normalised, and all
 *       {@code size} columns enter the contrastive loss whatever {@link #total()} is;</li>
 *   <li>hard negatives are drawn only among the first {@code total} input rows ({@link #candidates()});</li>
 *   <li>enqueueing writes the batch at {@link #ptr()} with wrap-around, {@code ptr = (ptr + bs) % size},
 *       and {@code total += bs} is never capped (so {@link #candidates()} = {@code min(total, size)}).</li>
 * </ul>
 * The input queues are held as Java rows allocated on first write (the official buffers are dense
 * {@code size x 3 x S x S} tensors; only written rows are ever read), so memory grows with
 * {@code min(total, size)}. The feature queues live in an {@link NDManager} of their own.
 */
public final class ItcQueue implements AutoCloseable {

    /** FIBER's queue length ({@code self.queue_size = 4096}). */
    public static final int FIBER_SIZE = 4096;

    private final NDManager manager;
    private final int hidden;
    private final int size;
    private NDArray imageQueue;
    private NDArray textQueue;
    private final float[][] imageInputs;
    private final long[][] textInputs;
    private final long[][] textMasks;
    private long[] imageRowShape;
    private long ptr;
    private long total;

    private ItcQueue(NDManager parent, int hidden, int size) {
        if (hidden <= 0 || size <= 0) {
            throw new IllegalArgumentException("ITC queue needs hidden > 0 and size > 0, got " + hidden + ", " + size);
        }
        this.manager = parent.newSubManager();
        this.hidden = hidden;
        this.size = size;
        this.imageInputs = new float[size][];
        this.textInputs = new long[size][];
        this.textMasks = new long[size][];
    }

    /**
     * A fresh queue as a newly built official model has it: feature columns drawn from N(0, 1)
     * (seeded), pointer and total 0, no stored inputs.
     *
     * @param parent manager whose device the queue uses (a sub-manager is created)
     * @param hidden feature width ({@code hidden_size})
     * @param size   number of columns ({@link #FIBER_SIZE})
     * @param seed   seed of the Gaussian draws
     * @return the queue
     */
    public static ItcQueue fresh(NDManager parent, int hidden, int size, long seed) {
        ItcQueue q = new ItcQueue(parent, hidden, size);
        Random rng = new Random(seed);
        float[] img = new float[hidden * size];
        float[] txt = new float[hidden * size];
        for (int i = 0; i < img.length; i++) {
            img[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < txt.length; i++) {
            txt[i] = (float) rng.nextGaussian();
        }
        q.imageQueue = q.manager.create(img, new Shape(hidden, size));
        q.textQueue = q.manager.create(txt, new Shape(hidden, size));
        return q;
    }

    /**
     * A queue with given contents (e.g. restored from a training checkpoint or a reference state).
     *
     * @param parent     manager whose device the queue uses
     * @param imageQueue (hidden * size) row-major feature queue
     * @param textQueue  (hidden * size)
     * @param hidden     feature width
     * @param size       number of columns
     * @param ptr        write position
     * @param total      number of rows ever enqueued
     * @return the queue, with empty input rows (fill them with {@link #setInputRow})
     */
    public static ItcQueue of(NDManager parent, float[] imageQueue, float[] textQueue, int hidden, int size, long ptr, long total) {
        if (imageQueue.length != (long) hidden * size || textQueue.length != (long) hidden * size) {
            throw new IllegalArgumentException("queue arrays must hold hidden*size = " + (long) hidden * size + " values, got "
                    + imageQueue.length + " and " + textQueue.length);
        }
        if (ptr < 0 || ptr >= size || total < 0) {
            throw new IllegalArgumentException("queue pointer " + ptr + " must lie in [0, " + size + ") and total " + total + " >= 0");
        }
        ItcQueue q = new ItcQueue(parent, hidden, size);
        q.imageQueue = q.manager.create(imageQueue, new Shape(hidden, size));
        q.textQueue = q.manager.create(textQueue, new Shape(hidden, size));
        q.ptr = ptr;
        q.total = total;
        return q;
    }

    /** @return the feature width */
    public int hidden() {
        return hidden;
    }

    /** @return the number of columns */
    public int size() {
        return size;
    }

    /** @return the next write position ({@code queue_ptr}) */
    public long ptr() {
        return ptr;
    }

    /** @return the number of rows ever enqueued ({@code queue_total}, uncapped) */
    public long total() {
        return total;
    }

    /** @return the number of stored inputs that can be drawn as hard negatives, {@code min(total, size)} */
    public int candidates() {
        return (int) Math.min(total, size);
    }

    /** @return the image feature queue (hidden, size), owned by the queue */
    public NDArray imageQueue() {
        return imageQueue;
    }

    /** @return the text feature queue (hidden, size), owned by the queue */
    public NDArray textQueue() {
        return textQueue;
    }

    /**
     * @param row a row index below {@link #candidates()}
     * @return the stored image (3, S, S) values (live array)
     */
    public float[] imageInput(int row) {
        return requireRow(imageInputs, row);
    }

    /**
     * @param row a row index below {@link #candidates()}
     * @return the stored text ids (live array)
     */
    public long[] textInput(int row) {
        return requireRow(textInputs, row);
    }

    /**
     * @param row a row index below {@link #candidates()}
     * @return the stored text mask (live array)
     */
    public long[] textMask(int row) {
        return requireRow(textMasks, row);
    }

    /** @return the shape of one stored image, e.g. [3, S, S], or {@code null} before the first */
    public long[] imageRowShape() {
        return imageRowShape == null ? null : imageRowShape.clone();
    }

    /**
     * Stores one input row (used to restore a state; {@link #enqueue} writes rows itself).
     *
     * @param row       row index
     * @param image     image values (copied)
     * @param imageDims the image's shape, e.g. {3, S, S}
     * @param ids       text ids (copied)
     * @param mask      text mask (copied)
     */
    public void setInputRow(int row, float[] image, long[] imageDims, long[] ids, long[] mask) {
        Objects.checkIndex(row, size);
        checkImageShape(imageDims, image.length);
        if (ids.length != mask.length) {
            throw new IllegalArgumentException("text ids (" + ids.length + ") and mask (" + mask.length + ") differ in length");
        }
        imageInputs[row] = image.clone();
        textInputs[row] = ids.clone();
        textMasks[row] = mask.clone();
    }

    /**
     * Official {@code _dequeue_and_enqueue} (one process: the all-gather is the identity): writes the
     * batch's features and inputs at {@link #ptr()} with wrap-around and advances the pointer and total.
     *
     * @param imageFeat (B, hidden) normalised image cls features (values are copied, no gradient)
     * @param textFeat  (B, hidden) normalised text cls features
     * @param images    (B, 3, S, S) the batch images
     * @param ids       (B, T) the batch text ids
     * @param masks     (B, T) the batch text masks
     */
    public void enqueue(NDArray imageFeat, NDArray textFeat, NDArray images, NDArray ids, NDArray masks) {
        int bs = (int) imageFeat.getShape().get(0);
        if (bs > size) {
            throw new IllegalArgumentException("batch of " + bs + " does not fit a queue of " + size);
        }
        if (imageFeat.getShape().dimension() != 2 || imageFeat.getShape().get(1) != hidden || !textFeat.getShape().equals(imageFeat.getShape())) {
            throw new IllegalArgumentException("queue features must be (B, " + hidden + "), got " + imageFeat.getShape() + " and "
                    + textFeat.getShape());
        }
        float[] img = imageFeat.toType(DataType.FLOAT32, false).toFloatArray();
        float[] txt = textFeat.toType(DataType.FLOAT32, false).toFloatArray();
        float[] pix = images.toType(DataType.FLOAT32, false).toFloatArray();
        long[] tid = ids.toType(DataType.INT64, false).toLongArray();
        long[] tmk = masks.toType(DataType.INT64, false).toLongArray();
        long[] dims = Arrays.copyOfRange(images.getShape().getShape(), 1, images.getShape().dimension());
        int plane = pix.length / bs;
        int len = tid.length / bs;
        checkImageShape(dims, plane);
        // columns ptr .. ptr+bs-1 (mod size) receive the batch, in one or two contiguous pieces
        int p = (int) ptr;
        int first = Math.min(bs, size - p);
        writeColumns(p, 0, first, img, txt, bs);
        if (first < bs) {
            writeColumns(0, first, bs - first, img, txt, bs);
        }
        for (int b = 0; b < bs; b++) {
            int row = (p + b) % size;
            imageInputs[row] = Arrays.copyOfRange(pix, b * plane, (b + 1) * plane);
            textInputs[row] = Arrays.copyOfRange(tid, b * len, (b + 1) * len);
            textMasks[row] = Arrays.copyOfRange(tmk, b * len, (b + 1) * len);
        }
        ptr = (ptr + bs) % size;
        total += bs;
    }

    private void writeColumns(int col, int from, int count, float[] img, float[] txt, int bs) {
        float[] ic = new float[hidden * count];
        float[] tc = new float[hidden * count];
        for (int h = 0; h < hidden; h++) {
            for (int j = 0; j < count; j++) {
                ic[h * count + j] = img[(from + j) * hidden + h];
                tc[h * count + j] = txt[(from + j) * hidden + h];
            }
        }
        NDIndex cols = new NDIndex(":, {}:{}", col, col + count);
        try (NDManager tmp = manager.newSubManager()) {
            imageQueue.set(cols, tmp.create(ic, new Shape(hidden, count)));
            textQueue.set(cols, tmp.create(tc, new Shape(hidden, count)));
        }
    }

    private void checkImageShape(long[] dims, int plane) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        if (n != plane) {
            throw new IllegalArgumentException("image shape " + Arrays.toString(dims) + " does not hold " + plane + " values");
        }
        if (imageRowShape == null) {
            imageRowShape = dims.clone();
        } else if (!Arrays.equals(imageRowShape, dims)) {
            throw new IllegalArgumentException("queue holds images of shape " + Arrays.toString(imageRowShape) + ", got "
                    + Arrays.toString(dims));
        }
    }

    private <T> T requireRow(T[] rows, int row) {
        if (row < 0 || row >= candidates() || rows[row] == null) {
            throw new IllegalArgumentException("queue row " + row + " has not been written (candidates: " + candidates() + ")");
        }
        return rows[row];
    }

    @Override
    public void close() {
        manager.close();
    }
}
