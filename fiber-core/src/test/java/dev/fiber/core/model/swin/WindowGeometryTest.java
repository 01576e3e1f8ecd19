package dev.fiber.core.model.swin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The window arithmetic against a direct transcription of roll + window_partition. */
class WindowGeometryTest {

    /** Naive reference: roll the grid by -s, then cut windows row-major. */
    private static long[] naivePartition(int h, int w, int win, int s) {
        long[] rolled = new long[h * w];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                rolled[i * w + j] = ((i + s) % h) * w + (j + s) % w;
            }
        }
        long[] out = new long[h * w];
        int k = 0;
        for (int wi = 0; wi < h / win; wi++) {
            for (int wj = 0; wj < w / win; wj++) {
                for (int r = 0; r < win; r++) {
                    for (int c = 0; c < win; c++) {
                        out[k++] = rolled[(wi * win + r) * w + wj * win + c];
                    }
                }
            }
        }
        return out;
    }

    @Test
    void partitionIsRollThenWindowsAndReverseIsItsInverse() {
        int[][] cases = {{24, 24, 3, 1}, {12, 12, 3, 0}, {6, 6, 3, 1}, {96, 96, 12, 6}, {24, 24, 12, 6}, {8, 8, 4, 2}};
        for (int[] c : cases) {
            WindowGeometry g = new WindowGeometry(c[0], c[1], c[2], c[3]);
            long[] p = g.partitionIndex();
            assertArrayEquals(naivePartition(c[0], c[1], c[2], c[3]), p);
            long[] r = g.reverseIndex();
            for (int i = 0; i < p.length; i++) {
                assertEquals(i, r[(int) p[i]]);
            }
        }
    }

    @Test
    void windowShrinksToSmallGridsWithoutShift() {
        WindowGeometry g = new WindowGeometry(3, 3, 3, 1);
        assertEquals(0, g.shift());
        assertEquals(3, g.window());
        assertTrue(g.isIdentity());
        assertNull(g.shiftMask());
        WindowGeometry g2 = new WindowGeometry(12, 12, 12, 6);
        assertTrue(g2.isIdentity());
        assertFalse(new WindowGeometry(6, 6, 3, 0).isIdentity());
    }

    @Test
    void shiftMaskSeparatesRegionsWithMinus100() {
        WindowGeometry g = new WindowGeometry(6, 6, 3, 1);
        float[] m = g.shiftMask();
        assertEquals(4 * 9 * 9, m.length);
        // window 0 lies entirely in region (0,0): no masking
        for (int i = 0; i < 81; i++) {
            assertEquals(0f, m[i]);
        }
        // last window: token (0,0) of the window is region (1,1), token (2,2) is region (2,2)
        int base = 3 * 81;
        assertEquals(-100f, m[base + 8]);
        assertEquals(0f, m[base + 4 * 9 + 0]); // tokens (1,1) and (0,0): both region (1,1)
    }

    @Test
    void relativePositionIndexMatchesTheOfficialFormula() {
        long[] idx = WindowGeometry.relativePositionIndex(2);
        // tokens (0,0),(0,1),(1,0),(1,1); index = (dy+1)*3 + (dx+1)
        assertArrayEquals(new long[] {4, 3, 1, 0, 5, 4, 2, 1, 7, 6, 4, 3, 8, 7, 5, 4}, idx);
    }
}
