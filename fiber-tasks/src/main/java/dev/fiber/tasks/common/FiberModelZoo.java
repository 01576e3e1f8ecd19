package dev.fiber.tasks.common;

import ai.djl.repository.zoo.ModelZoo;
import java.util.Set;

/**
 * DJL model zoo of the coarse-grained FIBER tasks (group id {@value #GROUP_ID}, artifacts
 * {@code vqa}, {@code retrieval}, {@code nlvr2}, {@code caption}), registered through
 * {@link FiberZooProvider} ({@code META-INF/services}). Example:
 * <pre>{@code
 * Criteria<VqaQuery, VqaPrediction> criteria = Criteria.builder()
 *         .setTypes(VqaQuery.class, VqaPrediction.class)
 *         .optGroupId(FiberModelZoo.GROUP_ID).optArtifactId("vqa")
 *         .optArgument("checkpoint", "fiber-vqa")             // path, URL or model name
 *         .optArgument("vocabulary", "vqav2_answers.txt")
 *         .build();
 * try (ZooModel<VqaQuery, VqaPrediction> model = criteria.loadModel();
 *      Predictor<VqaQuery, VqaPrediction> predictor = model.newPredictor()) {
 *     VqaPrediction p = predictor.predict(VqaQuery.of(Path.of("cat.jpg"), "what animal is this?"));
 * }
 * }</pre>
 */
public final class FiberModelZoo extends ModelZoo {

    /** DJL group id of the FIBER models. */
    public static final String GROUP_ID = "dev.fiber";

    /** Creates the zoo with one loader per {@link FiberTask}. */
    public FiberModelZoo() {
        for (FiberTask t : FiberTask.values()) {
            addModel(new FiberTaskLoader(t));
        }
    }

    @Override
    public String getGroupId() {
        return GROUP_ID;
    }

    @Override
    public Set<String> getSupportedEngines() {
        return Set.of("PyTorch");
    }
}
