package dev.fiber.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.fiber.core.TestData;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing and reading this project's safetensors weight files, and refusing corrupt headers. */
class SafeTensorsTest {

    @TempDir
    Path dir;

    @Test
    void javaArraysRoundTrip() throws Exception {
        Map<String, SafeTensors.Entry> in = new LinkedHashMap<>();
        in.put("w", SafeTensors.Entry.of(new float[] {1.5f, -2f, Float.MIN_VALUE, Float.NaN, 0f, 7f}, 2, 3));
        in.put("ids", SafeTensors.Entry.of(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}, 3));
        in.put("i32", SafeTensors.Entry.of(new int[] {-5, 6}, 2));
        in.put("d", SafeTensors.Entry.of(new double[] {Math.PI}));
        in.put("mask", SafeTensors.Entry.of(new boolean[] {true, false}, 2));
        in.put("half", SafeTensors.Entry.ofBytes(TorchDType.FLOAT16, new byte[] {0x00, 0x3c, 0x01, 0x00}, 2));
        in.put("bf", SafeTensors.Entry.ofBytes(TorchDType.BFLOAT16, new byte[] {(byte) 0x80, 0x3f}, 1));
        in.put("empty", SafeTensors.Entry.of(new float[0], 0, 5));
        Map<String, String> meta = Map.of("format", "fiber", "source", "caf\u00e9 \"quoted\"");
        Path p = dir.resolve("a.safetensors");
        SafeTensors.write(p, in, meta);
        long headerLen = ByteBuffer.wrap(Files.readAllBytes(p), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + headerLen) % 8, "data section aligned to 8 bytes");
        try (SafeTensors s = SafeTensors.open(p)) {
            assertEquals(meta, s.metadata());
            assertEquals(new ArrayList<>(in.keySet()), new ArrayList<>(s.tensors().keySet()));
            float[] w = s.get("w").readFloats();
            assertArrayEquals(new long[] {2, 3}, s.get("w").shape());
            assertEquals(Float.floatToRawIntBits(Float.MIN_VALUE), Float.floatToRawIntBits(w[2]));
            assertTrue(Float.isNaN(w[3]));
            assertArrayEquals(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}, s.get("ids").readLongs());
            assertArrayEquals(new long[] {-5, 6}, s.get("i32").readLongs());
            assertArrayEquals(new double[] {Math.PI}, s.get("d").readDoubles(), 0.0);
            assertEquals(0, s.get("d").shape().length);
            assertArrayEquals(new long[] {1, 0}, s.get("mask").readLongs());
            assertArrayEquals(new float[] {1f, 0x1p-24f}, s.get("half").readFloats(), 0f);
            assertArrayEquals(new float[] {1f}, s.get("bf").readFloats(), 0f);
            assertEquals(0, s.get("empty").readFloats().length);
            assertNull(s.get("missing"));
        }
    }

    @Test
    void ndArraysRoundTripAndCheckpointsConvert() throws Exception {
        Path p = dir.resolve("nd.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            arrays.put("f", m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(3, 2)));
            arrays.put("l", m.create(new long[] {9, -9}));
            arrays.put("b", m.create(new boolean[] {true, false, true}));
            arrays.put("u8", m.create(ByteBuffer.wrap(new byte[] {(byte) 200, 1}), new Shape(2), DataType.UINT8));
            SafeTensors.writeNDArrays(p, arrays, null);
            try (SafeTensors s = SafeTensors.open(p)) {
                assertEquals(Map.of(), s.metadata());
                for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
                    NDArray back = s.get(e.getKey()).toNDArray(m);
                    assertEquals(e.getValue().getDataType(), back.getDataType(), e.getKey());
                    assertEquals(e.getValue().getShape(), back.getShape(), e.getKey());
                    assertTrue(e.getValue().contentEquals(back), e.getKey());
                }
            }
        }
        // a torch checkpoint copied tensor by tensor, dtypes and values unchanged
        Path q = dir.resolve("dtypes.safetensors");
        try (TorchCheckpoint c = TorchCheckpoint.open(TestData.file("checkpoints/dtypes.pt"))) {
            Map<String, SafeTensors.Entry> entries = new LinkedHashMap<>();
            for (Map.Entry<String, TensorRef> e : c.stateDict().entrySet()) {
                entries.put(e.getKey(), SafeTensors.Entry.of(e.getValue()));
            }
            SafeTensors.write(q, entries, Map.of("converted_from", "dtypes.pt"));
            try (SafeTensors s = SafeTensors.open(q)) {
                for (Map.Entry<String, TensorRef> e : c.stateDict().entrySet()) {
                    TensorRef t = s.get(e.getKey());
                    assertEquals(e.getValue().dtype(), t.dtype());
                    assertArrayEquals(e.getValue().shape(), t.shape());
                    assertEquals(e.getValue().readRawBytes(), t.readRawBytes(), e.getKey());
                }
            }
        }
    }

    /** Builds a file from a header string and a data section. */
    private Path file(String header, int dataBytes) throws Exception {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path p = dir.resolve("bad.safetensors");
        Files.write(p, b.array());
        return p;
    }

    private void refused(String header, int dataBytes, String expect) throws Exception {
        Path p = file(header, dataBytes);
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.open(p).close(), header);
        assertTrue(e.getMessage().contains(expect), "expected '" + expect + "' in: " + e.getMessage());
        assertTrue(e.getMessage().contains("bad.safetensors"), e.getMessage());
    }

    @Test
    void corruptHeadersAreRefused() throws Exception {
        String ok = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        try (SafeTensors s = SafeTensors.open(file(ok, 8))) {
            assertEquals(1, s.tensors().size());
        }
        refused(ok, 4, "truncated");
        refused(ok, 12, "trailing bytes");
        refused("[1]", 0, "start with '{'");
        refused("{\"a\":", 0, "malformed JSON");
        refused("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},}", 8, "malformed JSON");
        refused("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"a\":{\"dtype\":\"F32\",\"shape\":[2],"
                + "\"data_offsets\":[8,16]}}", 16, "duplicate key");
        refused("{\"a\":{\"dtype\":\"C64\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "unsupported dtype C64");
        refused("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8, "invalid shape");
        refused("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "needs 12");
        refused("{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}", 8, "overflows");
        refused("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8, "data_offsets");
        refused("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, "gap or overlap");
        refused("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],"
                + "\"data_offsets\":[4,12]}}", 12, "gap or overlap");
        refused("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,18446744073709551615]}}", 8,
                "data_offsets");
        refused("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"extra\":1}}", 8, "unknown field");
        refused("{\"__metadata__\":{\"k\":1},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8,
                "not a string");
        refused("{\"a\":[]}", 0, "not an object");
        refused("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}} x", 8, "malformed JSON");
        refused("{\"a\":\"\u0001\"}", 0, "control character");
        refused("{" + "[".repeat(100) + "}", 0, "malformed JSON");

        Path big = dir.resolve("len.safetensors");
        Files.write(big, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.open(big));
        assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
        Files.write(big, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(100).array());
        e = assertThrows(CheckpointException.class, () -> SafeTensors.open(big));
        assertTrue(e.getMessage().contains("runs past the end"), e.getMessage());
        Files.write(big, new byte[3]);
        assertThrows(CheckpointException.class, () -> SafeTensors.open(big));
    }

    @Test
    void torchReaderPointsSafetensorsFilesElsewhere() throws Exception {
        Path p = dir.resolve("w.safetensors");
        SafeTensors.write(p, Map.of("x", SafeTensors.Entry.of(new float[] {1}, 1)), Map.of());
        CheckpointException e = assertThrows(CheckpointException.class, () -> TorchCheckpoint.open(p));
        assertTrue(e.getMessage().contains("safetensors"), e.getMessage());
    }

    @Test
    void writerRefusesInconsistentEntries() {
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.Entry.of(new float[] {1, 2, 3}, 2, 2));
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(dir.resolve("x"), Map.of("__metadata__", SafeTensors.Entry.of(new float[0], 0)),
                        null));
    }
}
