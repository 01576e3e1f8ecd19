package dev.fiber.tasks;

import ai.djl.Device;
import dev.fiber.core.checkpoint.TensorRef;
import dev.fiber.core.checkpoint.TorchCheckpoint;
import dev.fiber.core.config.FiberConfig;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.load.LoadOptions;
import dev.fiber.core.model.load.WeightSource;
import dev.fiber.tasks.train.Dropouts;
import dev.fiber.tasks.train.Gradients;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loads the tiny reference checkpoint {@code src-test-data/coarse/tiny.ckpt} for the training tests,
 * on the CPU, with every dropout / drop-path rate set to 0 (as the training reference was computed) and
 * gradient tracking on.
 */
public final class TinyTrainModel {

    private TinyTrainModel() {}

    /** @return the tiny model, strict load, no dropout, gradients enabled */
    public static FiberModel load() throws IOException {
        return load(Dropouts.NONE);
    }

    /**
     * @param dropouts dropout rates to train with
     * @return the tiny model, strict load, gradients enabled
     */
    public static FiberModel load(Dropouts dropouts) throws IOException {
        try (CheckpointSource src = new CheckpointSource(TorchCheckpoint.open(TasksTestData.file("coarse/tiny.ckpt")))) {
            FiberConfig cfg = dropouts.applyTo(FiberConfig.fromCheckpoint(src.config(), src.shapes()));
            FiberModel m = FiberModel.load(src, LoadOptions.defaults().withConfig(cfg).withDevice(Device.cpu()));
            if (!m.loadReport().isExact()) {
                m.close();
                throw new IllegalStateException("tiny.ckpt did not load exactly: " + m.loadReport());
            }
            Gradients.enable(m);
            return m;
        }
    }

    /** The state dict of a torch checkpoint as a {@link WeightSource}. */
    static final class CheckpointSource implements WeightSource {
        private final TorchCheckpoint ckpt;
        private final LinkedHashMap<String, TensorRef> tensors;

        CheckpointSource(TorchCheckpoint ckpt) {
            this.ckpt = ckpt;
            this.tensors = ckpt.stateDict();
        }

        @Override
        @SuppressWarnings("unchecked")
        public Map<String, Object> config() {
            Object c = ckpt.hyperParameters().get("config");
            return c instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        }

        @Override
        public LinkedHashMap<String, long[]> shapes() {
            LinkedHashMap<String, long[]> out = new LinkedHashMap<>();
            tensors.forEach((k, t) -> out.put(k, t.shape()));
            return out;
        }

        @Override
        public boolean isFloating(String key) {
            return tensors.get(key).dtype().isFloatingPoint();
        }

        @Override
        public float[] readFloats(String key) throws IOException {
            return tensors.get(key).readFloats();
        }

        @Override
        public long[] readLongs(String key) throws IOException {
            return tensors.get(key).readLongs();
        }

        @Override
        public String describe() {
            return ckpt.path().toString();
        }

        @Override
        public void close() {
            ckpt.close();
        }
    }
}
