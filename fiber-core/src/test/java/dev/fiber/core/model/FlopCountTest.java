package dev.fiber.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fiber.core.config.FiberConfig;
import org.junit.jupiter.api.Test;

class FlopCountTest {

    @Test
    void fiberBaseMatchesTheHandCount() {
        FiberConfig b = FiberConfig.fiberBase384();
        double fused = FlopCount.fused(b, 40);
        System.out.printf("FIBER-B 384: fused %.2f GFLOP, text-only %.2f, image-only %.2f%n",
                fused / 1e9, FlopCount.textOnly(b, 40) / 1e9, FlopCount.imageOnly(b) / 1e9);
        // 111 GFLOP per fused pair is the figure the official model's own count gives (issue #3)
        assertEquals(111.07e9, fused, 0.05e9);
        assertEquals(6.90e9, FlopCount.textOnly(b, 40), 0.02e9);
        assertTrue(FlopCount.imageOnly(b) > 90e9 && FlopCount.imageOnly(b) < fused);
    }
}
