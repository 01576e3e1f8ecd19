package dev.fiber.core.model;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;

/**
 * Bytes currently allocated through the C library's malloc (glibc {@code mallinfo2}): in-use arena
 * chunks plus mmapped blocks. libtorch's CPU tensors live there, the Java heap does not, so this
 * measures native tensor memory without JVM heap noise.
 */
public final class MallocStats {

    private MallocStats() {}

    /** glibc's {@code struct mallinfo2} (all fields size_t). */
    @Structure.FieldOrder({"arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost"})
    public static final class MallInfo2 extends Structure implements Structure.ByValue {
        public long arena;
        public long ordblks;
        public long smblks;
        public long hblks;
        public long hblkhd;
        public long usmblks;
        public long fsmblks;
        public long uordblks;
        public long fordblks;
        public long keepcost;
    }

    /** The C library. */
    interface LibC extends Library {
        MallInfo2 mallinfo2();
    }

    private static final LibC LIBC = load();

    private static LibC load() {
        try {
            LibC c = Native.load("c", LibC.class);
            c.mallinfo2();
            return c;
        } catch (Throwable e) {
            return null;
        }
    }

    /** @return malloc'd bytes in use, or -1 when glibc's mallinfo2 is not available */
    public static long inUseBytes() {
        if (LIBC == null) {
            return -1;
        }
        MallInfo2 m = LIBC.mallinfo2();
        return m.uordblks + m.hblkhd;
    }
}
