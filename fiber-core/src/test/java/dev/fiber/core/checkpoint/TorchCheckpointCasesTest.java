package dev.fiber.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.fiber.core.TestData;
import dev.fiber.core.io.Npy;
import dev.fiber.core.io.NpyArray;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of {@code src-test-data/checkpoints/} (written by torch 1.13): keys, dtypes and shapes
 * against {@code cases.json}, values bit-exact against {@code expected.npz}, in both the zip and the
 * legacy format, plus the Lightning / DDP layouts, the unsafe files and the damaged files.
 */
class TorchCheckpointCasesTest {

    private static Map<String, Object> cases;
    private static Map<String, NpyArray> expected;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        byte[] json = Files.readAllBytes(TestData.file("checkpoints/cases.json"));
        cases = (Map<String, Object>) Json.parse(json, 16);
        expected = Npy.readNpz(TestData.file("checkpoints/expected.npz"));
    }

    static Path file(String name) {
        return TestData.file("checkpoints/" + name);
    }

    @SuppressWarnings("unchecked")
    static Stream<Arguments> readableCases() throws Exception {
        load();
        List<Arguments> out = new ArrayList<>();
        for (Map.Entry<String, Object> e : cases.entrySet()) {
            Map<String, Object> c = (Map<String, Object>) e.getValue();
            if (c.containsKey("tensors")) {
                out.add(Arguments.of(e.getKey(), c));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readableCases")
    @SuppressWarnings("unchecked")
    void everyTensorMatchesExpected(String name, Map<String, Object> c) throws Exception {
        Map<String, Object> specs = (Map<String, Object>) c.get("tensors");
        double maxErr = 0;
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(file(name))) {
            assertEquals("legacy".equals(c.get("format")) ? TorchCheckpoint.Format.LEGACY : TorchCheckpoint.Format.ZIP,
                    ckpt.format());
            LinkedHashMap<String, TensorRef> all = ckpt.tensors();
            assertEquals(new ArrayList<>(specs.keySet()), new ArrayList<>(all.keySet()), name + ": tensor paths");
            for (Map.Entry<String, Object> s : specs.entrySet()) {
                Map<String, Object> spec = (Map<String, Object>) s.getValue();
                TensorRef t = all.get(s.getKey());
                String where = name + "/" + s.getKey();
                assertEquals(spec.get("dtype"), t.dtype().torchName(), where + " dtype");
                assertArrayEquals(longs((List<Object>) spec.get("shape")), t.shape(), where + " shape");
                assertEquals(s.getKey(), t.key());
                NpyArray exp = expected.get(where);
                assertArrayEquals(exp.shape(), t.shape(), where + " expected shape");
                if (t.dtype().isFloatingPoint()) {
                    float[] got = t.readFloats();
                    float[] want = exp.toFloatArray();
                    assertEquals(want.length, got.length);
                    for (int i = 0; i < want.length; i++) {
                        assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]),
                                where + "[" + i + "]: " + want[i] + " vs " + got[i]);
                        maxErr = Math.max(maxErr, Math.abs(want[i] - got[i]));
                    }
                    if (t.dtype() == TorchDType.FLOAT64) {
                        assertArrayEquals(exp.toDoubleArray(), t.readDoubles(), 0.0, where + " float64 exact");
                    }
                    assertThrows(CheckpointException.class, t::readLongs);
                } else {
                    assertArrayEquals(exp.toLongArray(), t.readLongs(), where);
                }
            }
        }
        System.out.printf("%s: %d tensors, max |diff| = %g%n", name, specs.size(), maxErr);
    }

    static long[] longs(List<Object> l) {
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Long) l.get(i);
        }
        return out;
    }

    @Test
    void ndArraysKeepIntegerTypesAndConvertFloats() throws Exception {
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(file("dtypes.pt"));
                NDManager m = NDManager.newBaseManager()) {
            Map<String, TensorRef> sd = ckpt.stateDict();
            Map<String, DataType> want = Map.ofEntries(Map.entry("f32", DataType.FLOAT32),
                    Map.entry("f16", DataType.FLOAT32), Map.entry("bf16", DataType.FLOAT32),
                    Map.entry("f64", DataType.FLOAT32), Map.entry("i64", DataType.INT64),
                    Map.entry("i32", DataType.INT32), Map.entry("i16", DataType.INT64),
                    Map.entry("i8", DataType.INT8), Map.entry("u8", DataType.UINT8),
                    Map.entry("bool", DataType.BOOLEAN), Map.entry("scalar0d", DataType.FLOAT32),
                    Map.entry("empty", DataType.FLOAT32));
            for (Map.Entry<String, DataType> e : want.entrySet()) {
                TensorRef t = sd.get(e.getKey());
                NDArray a = t.toNDArray(m);
                assertEquals(e.getValue(), a.getDataType(), e.getKey());
                assertArrayEquals(t.shape(), a.getShape().getShape(), e.getKey());
                NpyArray exp = expected.get("dtypes.pt/" + e.getKey());
                if (e.getValue() == DataType.FLOAT32) {
                    assertArrayEquals(exp.toFloatArray(), a.toFloatArray(), 0f, e.getKey());
                } else if (e.getValue() == DataType.BOOLEAN) {
                    boolean[] b = a.toBooleanArray();
                    long[] l = exp.toLongArray();
                    for (int i = 0; i < l.length; i++) {
                        assertEquals(l[i] != 0, b[i]);
                    }
                } else {
                    long[] got = Arrays.stream(a.toType(DataType.INT64, false).toLongArray()).toArray();
                    assertArrayEquals(exp.toLongArray(), got, e.getKey());
                }
            }
        }
    }

    @Test
    void viewsShareOneStorage() throws Exception {
        for (String name : List.of("views.pt", "views_legacy.pt")) {
            try (TorchCheckpoint ckpt = TorchCheckpoint.open(file(name))) {
                Map<String, TensorRef> sd = ckpt.stateDict();
                TensorRef base = sd.get("base");
                for (String k : List.of("transposed", "row_slice", "col_slice", "strided")) {
                    assertEquals(base.storageName(), sd.get(k).storageName(), name + " " + k + " shares base's storage");
                }
                assertEquals(16, sd.get("row_slice").storageOffset());
                assertEquals(3, sd.get("col_slice").storageOffset());
                assertArrayEquals(new long[] {0, 1}, sd.get("expanded").strides());
                assertFalse(sd.get("transposed").isContiguous());
                assertTrue(base.isContiguous());
            }
        }
    }

    @Test
    void lightningLayoutAndHyperParameters() throws Exception {
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(file("lightning_like.ckpt"))) {
            Map<?, ?> root = (Map<?, ?>) ckpt.root();
            assertEquals(List.of("epoch", "global_step", "pytorch-lightning_version", "state_dict", "hyper_parameters",
                    "optimizer_states", "lr_schedulers"), new ArrayList<>(root.keySet()));
            assertEquals(3L, root.get("epoch"));
            assertEquals(12345L, root.get("global_step"));
            assertEquals("1.3.2", root.get("pytorch-lightning_version"));
            assertEquals(List.of(), root.get("optimizer_states"));
            assertEquals("collections.OrderedDict", ((PyDict) root.get("state_dict")).className());
            LinkedHashMap<String, TensorRef> sd = ckpt.stateDict();
            assertEquals(List.of("layer.weight", "layer.bias", "norm.weight", "queue", "queue_ptr"),
                    new ArrayList<>(sd.keySet()));
            assertEquals("layer.weight", sd.get("layer.weight").key());
            assertArrayEquals(new long[] {0}, sd.get("queue_ptr").readLongs());

            Map<String, Object> hp = ckpt.hyperParameters();
            assertEquals(List.of("config"), new ArrayList<>(hp.keySet()));
            Map<?, ?> cfg = (Map<?, ?>) hp.get("config");
            assertEquals(96L, cfg.get("image_size"));
            assertEquals("swin_base_patch4_window12_384_in22k", cfg.get("vit"));
            Map<?, ?> losses = (Map<?, ?>) cfg.get("loss_names");
            assertEquals(Map.of("vqa", 1L, "itm", 0L), losses);
            assertEquals(List.of("vqa", "itm"), new ArrayList<>(losses.keySet()));
            assertEquals(1e-5, (Double) cfg.get("learning_rate"), 0.0);
            assertEquals(0.1, (Double) cfg.get("warmup_steps"), 0.0);
            assertTrue(cfg.containsKey("max_steps"));
            assertNull(cfg.get("max_steps"));
            assertEquals(Boolean.FALSE, cfg.get("test_only"));
            assertEquals(List.of("coco", "vg"), cfg.get("datasets"));
            assertInstanceOf(ArrayList.class, cfg.get("datasets"));
            assertInstanceOf(PyTuple.class, cfg.get("tuple_val"));
            assertEquals(List.of(1L, 2L), cfg.get("tuple_val"));
            assertEquals("(1, 2)", cfg.get("tuple_val").toString());
            assertEquals(-3L, cfg.get("neg"));
            assertEquals(1L << 40, cfg.get("big"));
            assertEquals("caf\u00e9 \u2603", cfg.get("unicode"));
        }
    }

    @Test
    void ddpLayoutModelAndEma() throws Exception {
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(file("ddp_like.pth"))) {
            LinkedHashMap<String, TensorRef> model = ckpt.stateDict();
            assertEquals(List.of("module.backbone.body.w0", "module.backbone.body.w1", "module.backbone.body.w2"),
                    new ArrayList<>(model.keySet()));
            LinkedHashMap<String, TensorRef> ema = ckpt.stateDict("model_ema");
            assertEquals(new ArrayList<>(model.keySet()), new ArrayList<>(ema.keySet()));
            assertArrayEquals(expected.get("ddp_like.pth/model_ema/module.backbone.body.w1").toFloatArray(),
                    ema.get("module.backbone.body.w1").readFloats(), 0f);
            assertEquals(7L, ((Map<?, ?>) ckpt.root()).get("iteration"));
            assertTrue(ckpt.hyperParameters().isEmpty());
            assertThrows(IllegalArgumentException.class, () -> ckpt.stateDict("iteration"));
            assertThrows(IllegalArgumentException.class, () -> ckpt.stateDict("nope"));
        }
    }

    @Test
    void archiveDetails() throws Exception {
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(file("half.pt"))) {
            assertEquals("half", ckpt.archiveName());
            assertEquals(2, ckpt.pickleProtocol());
            assertTrue(ckpt.hasStateDict());
            assertEquals(List.of("a", "b"), new ArrayList<>(ckpt.stateDict().keySet()));
        }
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(file("dtypes_legacy.pt"))) {
            assertNull(ckpt.archiveName());
            assertEquals(TorchCheckpoint.Format.LEGACY, ckpt.format());
        }
    }

    @Test
    void readingAfterCloseFailsClearly() throws Exception {
        TensorRef t;
        try (TorchCheckpoint ckpt = TorchCheckpoint.open(file("half.pt"))) {
            t = ckpt.stateDict().get("a");
        }
        CheckpointException e = assertThrows(CheckpointException.class, t::readFloats);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    // ---- unsafe files ----------------------------------------------------------------------------

    @Test
    void osSystemIsRefusedBeforeAnythingRuns() throws Exception {
        long childrenBefore = ProcessHandle.current().descendants().count();
        UnsafeGlobalException e = assertThrows(UnsafeGlobalException.class,
                () -> TorchCheckpoint.open(file("unsafe_os_system.pt")));
        assertEquals("posix.system", e.globalName());
        assertTrue(e.getMessage().contains("posix.system"), e.getMessage());
        assertTrue(e.getMessage().contains("unsafe_os_system.pt"), e.getMessage());
        assertEquals("unsafe_os_system/data.pkl", e.region());
        // refused at the GLOBAL opcode (byte 196 of data.pkl), before the REDUCE that would call it
        assertEquals(196, e.position());
        assertEquals(childrenBefore, ProcessHandle.current().descendants().count(), "no process was started");
    }

    @Test
    void builtinsEvalIsRefusedInLegacyFiles() throws Exception {
        UnsafeGlobalException e = assertThrows(UnsafeGlobalException.class,
                () -> TorchCheckpoint.open(file("unsafe_eval_legacy.pt")));
        assertEquals("__builtin__.eval", e.globalName());
        assertTrue(e.getMessage().contains("builtins.eval"), e.getMessage());
        assertTrue(e.getMessage().contains("unsafe_eval_legacy.pt"), e.getMessage());
        assertNull(e.region());
        assertEquals(315, e.position(), "file offset of the GLOBAL opcode");
    }

    // ---- damaged files ---------------------------------------------------------------------------

    @Test
    void truncatedArchiveIsRejected() {
        CheckpointException e = assertThrows(CheckpointException.class, () -> TorchCheckpoint.open(file("truncated.pt")));
        assertTrue(e.getMessage().contains("truncated.pt"), e.getMessage());
        assertTrue(e.getMessage().contains("end-of-central-directory"), e.getMessage());
    }

    @Test
    void corruptPickleIsRejectedByCrcAndByThePickleMachine() throws Exception {
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> TorchCheckpoint.open(file("corrupt_pickle.pt")));
        assertTrue(e.getMessage().contains("corrupt_pickle.pt") && e.getMessage().contains("CRC"), e.getMessage());
        // with the CRC "repaired", the flipped bytes are still caught by the pickle machine itself
        Path fixed = Files.createTempFile("corrupt_pickle_crc_fixed", ".pt");
        try {
            Files.write(fixed, ZipTestFiles.fixCrcs(Files.readAllBytes(file("corrupt_pickle.pt"))));
            CheckpointException e2 = assertThrows(CheckpointException.class, () -> TorchCheckpoint.open(fixed));
            assertEquals("dtypes/data.pkl", e2.region(), e2.getMessage());
            assertTrue(e2.position() >= 0, e2.getMessage());
            System.out.println("corrupt pickle with fixed CRC: " + e2.getMessage());
        } finally {
            Files.deleteIfExists(fixed);
        }
    }

    @Test
    void textFileIsRejected() {
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> TorchCheckpoint.open(file("not_a_checkpoint.pt")));
        assertTrue(e.getMessage().contains("not a PyTorch checkpoint"), e.getMessage());
        assertTrue(e.getMessage().contains("not_a_checkpoint.pt"), e.getMessage());
    }

    @Test
    void missingFileIsACheckpointException() {
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> TorchCheckpoint.open(file("does_not_exist.pt")));
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
    }

    @Test
    void bigIntsBeyondLongStayBigIntegers() throws IOException {
        // LONG1 with 9 bytes: 2^64 + 1
        byte[] pkl = {(byte) 0x80, 2, (byte) 0x8a, 9, 1, 0, 0, 0, 0, 0, 0, 0, 1, '.'};
        Object v = new Unpickler(new PickleInput(null, "test", pkl), null).load();
        assertEquals(BigInteger.ONE.shiftLeft(64).add(BigInteger.ONE), v);
        assertSame(BigInteger.class, v.getClass());
    }
}
