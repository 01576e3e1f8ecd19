package dev.fiber.core.io;

/** Exact conversions of IEEE half precision (float16) and bfloat16 bit patterns to float32. */
public final class HalfFloats {

    private HalfFloats() {}

    /**
     * @param bits the 16-bit IEEE 754 binary16 pattern
     * @return the exactly equal float32 value (subnormals, infinities and NaN included)
     */
    public static float float16ToFloat(short bits) {
        int h = bits & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /**
     * @param bits the 16-bit bfloat16 pattern (the top half of a float32)
     * @return the exactly equal float32 value
     */
    public static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }
}
