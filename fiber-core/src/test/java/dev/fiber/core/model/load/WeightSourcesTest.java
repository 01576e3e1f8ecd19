package dev.fiber.core.model.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.fiber.core.config.FiberConfig;
import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;
import dev.fiber.core.model.FiberModel;
import dev.fiber.core.model.TinyWeights;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint and npz weight sources agree, and the checkpoint's stored config is used. */
class WeightSourcesTest {

    @Test
    void storedConfigOfTheCheckpointIsTheTinyConfig() throws Exception {
        try (WeightSource src = FiberModel.openWeights(TinyWeights.checkpoint())) {
            assertEquals(747, src.shapes().size());
            FiberConfig fromCkpt = FiberConfig.fromCheckpoint(src.config(), src.shapes());
            assertEquals(FiberConfig.fromCheckpoint(TinyWeights.tinyConfigDict(), null), fromCkpt);
            assertEquals(2, fromCkpt.text().numAttentionHeads());
        }
    }

    @Test
    void npzDumpOfTheStateDictLoadsToTheSameModel(@TempDir Path tmp) throws Exception {
        Path npz = tmp.resolve("tiny_state_dict.npz");
        try (WeightSource src = FiberModel.openWeights(TinyWeights.checkpoint())) {
            LinkedHashMap<String, Npy.Entry> all = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : src.shapes().entrySet()) {
                all.put(e.getKey(), src.isFloating(e.getKey()) ? Npy.Entry.of(src.readFloats(e.getKey()), e.getValue())
                        : Npy.Entry.of(src.readLongs(e.getKey()), e.getValue()));
            }
            Npy.writeNpz(npz, all);
        }
        Map<String, NpyArray> cases = Npy.readNpz(TinyWeights.cases());
        LoadOptions cpu = LoadOptions.defaults().withDevice(Device.cpu());
        float[] a;
        float[] b;
        try (FiberModel m1 = FiberModel.load(TinyWeights.checkpoint(), cpu); NDManager m = NDManager.newBaseManager(Device.cpu())) {
            a = m1.infer(m, cases.get("image").toNDArray(m), cases.get("text_ids").toNDArray(m), cases.get("text_masks").toNDArray(m)).clsFeats().toFloatArray();
        }
        try (WeightSource src = new NpzWeightSource(npz, TinyWeights.tinyConfigDict()); FiberModel m2 = FiberModel.load(src, cpu);
                NDManager m = NDManager.newBaseManager(Device.cpu())) {
            assertTrue(m2.loadReport().isExact());
            b = m2.infer(m, cases.get("image").toNDArray(m), cases.get("text_ids").toNDArray(m), cases.get("text_masks").toNDArray(m)).clsFeats().toFloatArray();
        }
        assertArrayEquals(a, b);
    }

    @Test
    void missingAndNonCheckpointFilesFailClearly(@TempDir Path tmp) throws Exception {
        assertThrows(FileNotFoundException.class, () -> FiberModel.load(tmp.resolve("nope.ckpt")));
        Path junk = tmp.resolve("junk.ckpt");
        Files.writeString(junk, "this is not a checkpoint");
        Exception e = assertThrows(java.io.IOException.class, () -> FiberModel.load(junk));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        // a non-FIBER state dict: the architecture cannot be determined
        Path other = tmp.resolve("other.npz");
        Npy.writeNpz(other, Map.of("encoder.weight", Npy.Entry.of(new float[4], 2, 2)));
        ModelLoadException m = assertThrows(ModelLoadException.class, () -> FiberModel.load(other));
        assertTrue(m.getMessage().contains("cannot determine the FIBER architecture"), m.getMessage());
    }
}
