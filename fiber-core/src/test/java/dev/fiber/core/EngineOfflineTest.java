package dev.fiber.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.util.Utils;
import org.junit.jupiter.api.Test;

/** Proves the PyTorch engine loads from the Maven-Central native jar with the network forbidden. */
class EngineOfflineTest {

    @Test
    void engineLoadsOffline() {
        assertEquals("true", System.getProperty("ai.djl.offline"), "tests must run with ai.djl.offline=true");
        assertEquals(true, Utils.isOfflineMode());
        Engine engine = Engine.getEngine("PyTorch");
        assertEquals("PyTorch", engine.getEngineName());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(2, 2));
            assertArrayEquals(new float[] {7, 10, 15, 22}, a.matMul(a).toFloatArray());
        }
    }
}
