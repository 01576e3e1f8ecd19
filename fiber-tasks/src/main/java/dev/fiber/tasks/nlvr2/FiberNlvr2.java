package dev.fiber.tasks.nlvr2;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import dev.fiber.core.image.RgbImage;
import dev.fiber.core.model.FiberModel;
import dev.fiber.tasks.common.FiberTask;
import dev.fiber.tasks.common.FiberTaskModel;
import dev.fiber.tasks.common.TaskZoo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * NLVR2 (is a statement about two images true?) with the official {@code fiber-nlvr2} checkpoint:
 * <pre>{@code
 * try (FiberNlvr2 nlvr2 = FiberNlvr2.load("fiber-nlvr2")) {
 *     Nlvr2Prediction p = nlvr2.judge(Path.of("left.jpg"), Path.of("right.jpg"), "There are two dogs.");
 * }
 * }</pre>
 * Each call uses its own {@link Predictor}; an instance may be shared by threads.
 */
public final class FiberNlvr2 implements AutoCloseable {

    private final ZooModel<Nlvr2Query, Nlvr2Prediction> model;

    private FiberNlvr2(ZooModel<Nlvr2Query, Nlvr2Prediction> model) {
        this.model = model;
    }

    /**
     * @param checkpoint path, URL or model name ({@code fiber-nlvr2})
     * @return the loaded task
     * @throws IOException if the checkpoint cannot be found or read
     */
    public static FiberNlvr2 load(String checkpoint) throws IOException {
        return load(checkpoint, 0, null);
    }

    /**
     * @param checkpoint path, URL or model name
     * @param imageSize input resolution (0: the official evaluation resolution of a named model, else the checkpoint's)
     * @param device device, or {@code null} for the default
     * @return the loaded task
     * @throws IOException if the checkpoint cannot be found or read
     */
    public static FiberNlvr2 load(String checkpoint, int imageSize, Device device) throws IOException {
        Map<String, Object> args = new HashMap<>();
        args.put("checkpoint", checkpoint);
        if (imageSize > 0) {
            args.put("imageSize", imageSize);
        }
        return new FiberNlvr2(TaskZoo.load(FiberTask.NLVR2, Nlvr2Query.class, Nlvr2Prediction.class, args, device));
    }

    /**
     * @param left first image
     * @param right second image
     * @param statement the statement
     * @return the judgement
     * @throws TranslateException if the statement is empty or inference fails
     */
    public Nlvr2Prediction judge(RgbImage left, RgbImage right, String statement) throws TranslateException {
        try (Predictor<Nlvr2Query, Nlvr2Prediction> p = model.newPredictor()) {
            return p.predict(new Nlvr2Query(left, right, statement));
        }
    }

    /**
     * @param left first image file
     * @param right second image file
     * @param statement the statement
     * @return the judgement
     * @throws IOException if an image cannot be read
     * @throws TranslateException if the statement is empty or inference fails
     */
    public Nlvr2Prediction judge(Path left, Path right, String statement) throws IOException, TranslateException {
        Nlvr2Query q = Nlvr2Query.of(left, right, statement);
        return judge(q.left(), q.right(), q.statement());
    }

    /**
     * @param queries examples (one batched forward pass)
     * @return one judgement per example
     * @throws TranslateException if a statement is empty or inference fails
     */
    public List<Nlvr2Prediction> judgeAll(List<Nlvr2Query> queries) throws TranslateException {
        try (Predictor<Nlvr2Query, Nlvr2Prediction> p = model.newPredictor()) {
            return p.batchPredict(queries);
        }
    }

    /** @return the DJL model */
    public ZooModel<Nlvr2Query, Nlvr2Prediction> zooModel() {
        return model;
    }

    /** @return the underlying FIBER model */
    public FiberModel fiberModel() {
        return ((FiberTaskModel) model.getWrappedModel()).fiberModel();
    }

    @Override
    public void close() {
        model.close();
    }
}
