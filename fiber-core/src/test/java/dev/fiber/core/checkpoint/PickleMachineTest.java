package dev.fiber.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The pickle machine on its own: pickles written by CPython's {@code pickle.dumps} for protocols 0-5
 * (hex below, with the Python that produced them), the container types Lightning stores, and
 * malformed or malicious opcode sequences.
 */
class PickleMachineTest {

    /**
     * {@code pickle.dumps(d, protocol=p)} for p = 0..5 of
     * <pre>
     * d = {"s": "h\u00e9llo \u2603 \U0001F600", "i": 7, "neg": -123456, "big": 2**70, "nbig": -(2**65), "f": 1.5,
     *      "inf": float("inf"), "none": None, "t": True, "fl": False, "list": [1, [2, 3], (4, 5)], "tup": (1,),
     *      "empty": (), "set": {1, 2}, "fs": frozenset({3}), "bytes": b"\x00\xffab", "dict": {1: "one", (2, 3): "tuple key"}}
     * </pre>
     */
    static final String[] PLAIN = {
        "286470300a56730a70310a5668e96c6c6f205c7532363033205c5530303031663630300a70320a7356690a70330a49370a73566e65670a70340a492d3132333435360a73566269670a70350a4c313138303539313632303731373431313330333432344c0a73566e6269670a70360a4c2d33363839333438383134373431393130333233324c0a7356660a70370a46312e350a7356696e660a70380a46696e660a73566e6f6e650a70390a4e7356740a7031300a4930310a7356666c0a7031310a4930300a73566c6973740a7031320a286c7031330a49310a61286c7031340a49320a6149330a61612849340a49350a747031350a6173567475700a7031360a2849310a747031370a7356656d7074790a7031380a287473567365740a7031390a635f5f6275696c74696e5f5f0a7365740a7032300a28286c7032310a49310a6149320a61747032320a527032330a735666730a7032340a635f5f6275696c74696e5f5f0a66726f7a656e7365740a7032350a28286c7032360a49330a61747032370a527032380a735662797465730a7032390a635f636f646563730a656e636f64650a7033300a28565c7530303030ff61620a7033310a566c6174696e310a7033320a747033330a527033340a7356646963740a7033350a28647033360a49310a566f6e650a7033370a732849320a49330a747033380a567475706c65206b65790a7033390a73732e",
        "7d7100285801000000737101580f00000068c3a96c6c6f20e2988320f09f9880710258010000006971034b0758030000006e656771044ac01dfeff580300000062696771054c313138303539313632303731373431313330333432344c0a58040000006e62696771064c2d33363839333438383134373431393130333233324c0a5801000000667107473ff80000000000005803000000696e667108477ff000000000000058040000006e6f6e6571094e580100000074710a4930310a5802000000666c710b4930300a58040000006c697374710c5d710d284b015d710e284b024b0365284b044b0574710f6558030000007475707110284b017471115805000000656d70747971122958030000007365747113635f5f6275696c74696e5f5f0a7365740a7114285d7115284b014b0265747116527117580200000066737118635f5f6275696c74696e5f5f0a66726f7a656e7365740a7119285d711a4b036174711b52711c58050000006279746573711d635f636f646563730a656e636f64650a711e28580500000000c3bf6162711f58060000006c6174696e31712074712152712258040000006469637471237d7124284b0158030000006f6e657125284b024b0374712658090000007475706c65206b6579712775752e",
        "80027d7100285801000000737101580f00000068c3a96c6c6f20e2988320f09f9880710258010000006971034b0758030000006e656771044ac01dfeff580300000062696771058a0900000000000000004058040000006e62696771068a090000000000000000fe5801000000667107473ff80000000000005803000000696e667108477ff000000000000058040000006e6f6e6571094e580100000074710a885802000000666c710b8958040000006c697374710c5d710d284b015d710e284b024b03654b044b0586710f65580300000074757071104b018571115805000000656d70747971122958030000007365747113635f5f6275696c74696e5f5f0a7365740a71145d7115284b014b0265857116527117580200000066737118635f5f6275696c74696e5f5f0a66726f7a656e7365740a71195d711a4b036185711b52711c58050000006279746573711d635f636f646563730a656e636f64650a711e580500000000c3bf6162711f58060000006c6174696e31712086712152712258040000006469637471237d7124284b0158030000006f6e6571254b024b0386712658090000007475706c65206b6579712775752e",
        "80037d7100285801000000737101580f00000068c3a96c6c6f20e2988320f09f9880710258010000006971034b0758030000006e656771044ac01dfeff580300000062696771058a0900000000000000004058040000006e62696771068a090000000000000000fe5801000000667107473ff80000000000005803000000696e667108477ff000000000000058040000006e6f6e6571094e580100000074710a885802000000666c710b8958040000006c697374710c5d710d284b015d710e284b024b03654b044b0586710f65580300000074757071104b018571115805000000656d70747971122958030000007365747113636275696c74696e730a7365740a71145d7115284b014b0265857116527117580200000066737118636275696c74696e730a66726f7a656e7365740a71195d711a4b036185711b52711c58050000006279746573711d430400ff6162711e580400000064696374711f7d7120284b0158030000006f6e6571214b024b0386712258090000007475706c65206b6579712375752e",
        "800495f8000000000000007d94288c0173948c0f68c3a96c6c6f20e2988320f09f9880948c0169944b078c036e6567944ac01dfeff8c03626967948a090000000000000000408c046e626967948a090000000000000000fe8c016694473ff80000000000008c03696e6694477ff00000000000008c046e6f6e65944e8c017494888c02666c94898c046c697374945d94284b015d94284b024b03654b044b058694658c03747570944b0185948c05656d70747994298c03736574948f94284b014b02908c02667394284b0391948c05627974657394430400ff6162948c0464696374947d94284b018c036f6e65944b024b0386948c097475706c65206b65799475752e",
        "800595f8000000000000007d94288c0173948c0f68c3a96c6c6f20e2988320f09f9880948c0169944b078c036e6567944ac01dfeff8c03626967948a090000000000000000408c046e626967948a090000000000000000fe8c016694473ff80000000000008c03696e6694477ff00000000000008c046e6f6e65944e8c017494888c02666c94898c046c697374945d94284b015d94284b024b03654b044b058694658c03747570944b0185948c05656d70747994298c03736574948f94284b014b02908c02667394284b0391948c05627974657394430400ff6162948c0464696374947d94284b018c036f6e65944b024b0386948c097475706c65206b65799475752e",
    };

    /**
     * {@code pickle.dumps({"od": OrderedDict([("a", 1), ("b", [2])]), "dd": defaultdict(list, {"k": [1]}),
     * "ns": argparse.Namespace(lr=0.1, name="x")}, protocol=p)} for p = 0, 2, 4.
     */
    static final String[] OBJECTS = {
        "286470300a566f640a70310a63636f6c6c656374696f6e730a4f726465726564446963740a70320a28745270330a56610a70340a49310a7356620a70350a286c70360a49320a6173735664640a70370a63636f6c6c656374696f6e730a64656661756c74646963740a70380a28635f5f6275696c74696e5f5f0a6c6973740a70390a747031300a527031310a566b0a7031320a286c7031330a49310a617373566e730a7031340a63636f70795f7265670a5f7265636f6e7374727563746f720a7031350a286361726770617273650a4e616d6573706163650a7031360a635f5f6275696c74696e5f5f0a6f626a6563740a7031370a4e747031380a527031390a28647032300a566c720a7032310a46302e310a73566e616d650a7032320a56780a7032330a7362732e",
        "80027d71002858020000006f64710163636f6c6c656374696f6e730a4f726465726564446963740a7102295271032858010000006171044b0158010000006271055d71064b02617558020000006464710763636f6c6c656374696f6e730a64656661756c74646963740a7108635f5f6275696c74696e5f5f0a6c6973740a710985710a52710b58010000006b710c5d710d4b01617358020000006e73710e6361726770617273650a4e616d6573706163650a710f298171107d71112858020000006c727112473fb999999999999a58040000006e616d65711358010000007871147562752e",
        "800495b4000000000000007d94288c026f64948c0b636f6c6c656374696f6e73948c0b4f72646572656444696374949394295294288c0161944b018c0162945d944b0261758c0264649468028c0b64656661756c74646963749493948c086275696c74696e73948c046c697374949394859452948c016b945d944b0161738c026e73948c086172677061727365948c094e616d6573706163659493942981947d94288c026c7294473fb999999999999a8c046e616d65948c0178947562752e",
    };

    static Object load(byte[] pickle) throws CheckpointException {
        return new Unpickler(new PickleInput(null, "test.pkl", pickle), null).load();
    }

    static Object loadHex(String hex) throws CheckpointException {
        return load(HexFormat.of().parseHex(hex));
    }

    @ParameterizedTest(name = "protocol {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void plainDataOfEveryProtocol(int protocol) throws Exception {
        PyDict d = (PyDict) loadHex(PLAIN[protocol]);
        assertEquals(List.of("s", "i", "neg", "big", "nbig", "f", "inf", "none", "t", "fl", "list", "tup", "empty",
                "set", "fs", "bytes", "dict"), new ArrayList<>(d.keySet()));
        assertEquals("h\u00e9llo \u2603 \uD83D\uDE00", d.get("s"));
        assertEquals(7L, d.get("i"));
        assertEquals(-123456L, d.get("neg"));
        assertEquals(BigInteger.TWO.pow(70), d.get("big"));
        assertEquals(BigInteger.TWO.pow(65).negate(), d.get("nbig"));
        assertEquals(1.5, d.get("f"));
        assertEquals(Double.POSITIVE_INFINITY, d.get("inf"));
        assertTrue(d.containsKey("none"));
        assertNull(d.get("none"));
        assertEquals(Boolean.TRUE, d.get("t"));
        assertEquals(Boolean.FALSE, d.get("fl"));
        List<?> list = (List<?>) d.get("list");
        assertInstanceOf(ArrayList.class, list);
        assertEquals(List.of(1L, List.of(2L, 3L), List.of(4L, 5L)), list);
        assertInstanceOf(PyTuple.class, list.get(2));
        assertEquals(PyTuple.of(1L), d.get("tup"));
        assertEquals(PyTuple.EMPTY, d.get("empty"));
        assertEquals(Set.of(1L, 2L), d.get("set"));
        assertEquals(Set.of(3L), d.get("fs"));
        assertInstanceOf(FrozenSetValue.class, d.get("fs"));
        assertArrayEquals(new byte[] {0, (byte) 0xff, 'a', 'b'}, (byte[]) d.get("bytes"));
        Map<?, ?> inner = (Map<?, ?>) d.get("dict");
        assertEquals("one", inner.get(1L));
        assertEquals("tuple key", inner.get(PyTuple.of(2L, 3L)));
    }

    @ParameterizedTest(name = "protocol {0}")
    @ValueSource(ints = {0, 1, 2})
    void orderedDictDefaultDictAndNamespace(int which) throws Exception {
        PyDict d = (PyDict) loadHex(OBJECTS[which]);
        PyDict od = (PyDict) d.get("od");
        assertEquals("collections.OrderedDict", od.className());
        assertEquals(List.of("a", "b"), new ArrayList<>(od.keySet()));
        assertEquals(List.of(2L), od.get("b"));
        PyDict dd = (PyDict) d.get("dd");
        assertEquals("collections.defaultdict", dd.className());
        assertEquals(Map.of("k", List.of(1L)), dd);
        assertEquals(new PyGlobal("builtins", "list"), dd.attributes().get("default_factory"));
        PyDict ns = (PyDict) d.get("ns");
        assertEquals("argparse.Namespace", ns.className());
        assertEquals(0.1, ns.get("lr"));
        assertEquals("x", ns.get("name"));
    }

    @Test
    void byteArrayOfProtocol5() throws Exception {
        PyDict d = (PyDict) loadHex("80059516000000000000007d948c0262619496030000000000000078797a94732e");
        assertArrayEquals("xyz".getBytes(), (byte[]) d.get("ba"));
    }

    @Test
    void osSystemByStackGlobalIsRefused() {
        // pickle.dumps(os.system, protocol=4): STACK_GLOBAL at byte 28
        UnsafeGlobalException e = assertThrows(UnsafeGlobalException.class,
                () -> loadHex("80049514000000000000008c05706f736978948c0673797374656d9493942e"));
        assertEquals("posix.system", e.globalName());
        assertEquals(28, e.position());
        // protocol 0: GLOBAL at byte 0
        e = assertThrows(UnsafeGlobalException.class, () -> loadHex("63706f7369780a73797374656d0a70300a2e"));
        assertEquals("posix.system", e.globalName());
        assertEquals(0, e.position());
    }

    @Test
    void instAndObjWithForbiddenClassesAreRefused() {
        byte[] inst = new PickleWriter().mark().str("rm -rf /").raw("isubprocess\nPopen\n".getBytes()).stop().bytes();
        UnsafeGlobalException e = assertThrows(UnsafeGlobalException.class, () -> load(inst));
        assertEquals("subprocess.Popen", e.globalName());
        byte[] ext = new PickleWriter().proto(2).op(0x82).op(1).op(')').reduce().stop().bytes();
        assertThrows(UnsafeGlobalException.class, () -> load(ext));
    }

    @Test
    void allowedValueGlobalsCannotBeCalled() {
        byte[] p = new PickleWriter().proto(2).global("torch", "FloatStorage").emptyTuple().reduce().stop().bytes();
        CheckpointException e = assertThrows(CheckpointException.class, () -> load(p));
        assertTrue(e.getMessage().contains("may not be called"), e.getMessage());
        byte[] q = new PickleWriter().proto(2).global("builtins", "int").mark().str("5").tuple().reduce().stop().bytes();
        assertThrows(CheckpointException.class, () -> load(q));
    }

    @Test
    void torchValueGlobals() throws Exception {
        byte[] p = new PickleWriter().proto(2).mark()
                .global("torch", "Size").mark().ints(2, 3).tuple().reduce()
                .global("torch", "device").mark().str("cuda").integer(1).tuple().reduce()
                .global("torch", "bfloat16")
                .global("_codecs", "encode").mark().str("\u00ffa").str("latin1").tuple().reduce()
                .tuple().stop().bytes();
        List<?> t = (List<?>) load(p);
        assertEquals(List.of(2L, 3L), t.get(0));
        assertEquals("cuda:1", t.get(1));
        assertEquals(TorchDType.BFLOAT16, t.get(2));
        assertArrayEquals(new byte[] {(byte) 0xff, 'a'}, (byte[]) t.get(3));
    }

    @Test
    void malformedPicklesFailWithPositions() {
        record Bad(String what, byte[] pickle, String message) {
        }
        List<Bad> bad = List.of(
                new Bad("unknown opcode", new byte[] {(byte) 0x80, 2, (byte) 0xff}, "unknown pickle opcode 0xff"),
                new Bad("no STOP", new byte[] {(byte) 0x80, 2, 'N'}, "truncated pickle"),
                new Bad("empty", new byte[0], "truncated pickle"),
                new Bad("underflow", new byte[] {(byte) 0x80, 2, 'R', '.'}, "stack underflow"),
                new Bad("mark discipline", new byte[] {'N', ')', '(', 'R', '.'}, "stack underflow"),
                new Bad("unclosed mark", new byte[] {'N', '(', '.'}, "unclosed MARK"),
                new Bad("two values at STOP", new byte[] {'N', 'N', '.'}, "2 values"),
                new Bad("missing memo", new byte[] {'h', 5, '.'}, "memo entry 5"),
                new Bad("string too long", new byte[] {'X', 100, 0, 0, 0, 'a', '.'}, "runs past the end"),
                new Bad("negative binstring", new byte[] {'T', -1, -1, -1, -1, '.'}, "negative length"),
                new Bad("bad utf8", new byte[] {'X', 1, 0, 0, 0, (byte) 0xff, '.'}, "not valid UTF-8"),
                new Bad("unhashable key", new byte[] {'}', ']', 'N', 's', '.'}, "unhashable dict key"),
                new Bad("unhashable set item", new byte[] {(byte) 0x8f, '(', '}', (byte) 0x90, '.'}, "unhashable set"),
                new Bad("append to dict", new byte[] {'}', 'N', 'a', '.'}, "expected a list"),
                new Bad("setitem on list", new byte[] {']', 'N', 'N', 's', '.'}, "expected a dict"),
                new Bad("odd setitems", new byte[] {'}', '(', 'N', 'u', '.'}, "odd number"),
                new Bad("call a string", new byte[] {'X', 0, 0, 0, 0, ')', 'R', '.'}, "cannot call"),
                new Bad("build on list", new byte[] {']', '}', 'b', '.'}, "BUILD"),
                new Bad("protocol 9", new byte[] {(byte) 0x80, 9, 'N', '.'}, "unsupported pickle protocol 9"),
                new Bad("frame too long", new byte[] {(byte) 0x95, 100, 0, 0, 0, 0, 0, 0, 0, 'N', '.'}, "frame"),
                new Bad("persistent id without loader", new byte[] {'N', 'Q', '.'}, "persistent id"),
                new Bad("LONG4 too long", new byte[] {(byte) 0x8b, 0, 0, 1, 0, '.'}, "LONG4"),
                new Bad("bad text int", "Ixyz\n.".getBytes(), "malformed integer"),
                new Bad("global without newline", "cos\nsys".getBytes(), "no terminating newline"),
                new Bad("out-of-band buffer", new byte[] {(byte) 0x80, 5, (byte) 0x97, '.'}, "out-of-band"));
        for (Bad b : bad) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> load(b.pickle()), b.what());
            assertTrue(e.getMessage().contains(b.message()), b.what() + ": " + e.getMessage());
            assertTrue(e.getMessage().contains("test.pkl"), b.what() + ": " + e.getMessage());
        }
    }

    @Test
    void deeplyNestedTuplesAreRefusedWhileUnpickling() {
        PickleWriter w = new PickleWriter().proto(2).none();
        for (int i = 0; i < 100_000; i++) {
            w.op(0x85);
        }
        CheckpointException e = assertThrows(CheckpointException.class, () -> load(w.stop().bytes()));
        assertTrue(e.getMessage().contains("nested deeper"), e.getMessage());
    }

    @Test
    void memoryBudgetStopsAmplification() {
        String prop = "fiber.checkpoint.maxPickleMemory";
        System.setProperty(prop, "100000");
        try {
            PickleWriter w = new PickleWriter().proto(2).mark();
            for (int i = 0; i < 10_000; i++) {
                w.emptyDict();
            }
            w.op('l').stop();
            CheckpointException e = assertThrows(CheckpointException.class, () -> load(w.bytes()));
            assertTrue(e.getMessage().contains("memory budget"), e.getMessage());
        } finally {
            System.clearProperty(prop);
        }
    }

    @Test
    void allowListIsExactlyTheDocumentedOne() throws Exception {
        java.util.Set<String> want = new java.util.TreeSet<>(List.of("torch._utils._rebuild_tensor_v2",
                "torch._utils._rebuild_tensor", "torch._utils._rebuild_parameter",
                "torch._utils._rebuild_parameter_with_state", "torch._tensor._rebuild_from_type_v2", "torch.Tensor",
                "torch.nn.parameter.Parameter", "torch.FloatStorage", "torch.HalfStorage", "torch.BFloat16Storage",
                "torch.DoubleStorage", "torch.LongStorage", "torch.IntStorage", "torch.ShortStorage",
                "torch.CharStorage", "torch.ByteStorage", "torch.BoolStorage", "torch.Size", "torch.device",
                "collections.OrderedDict", "builtins.dict", "pytorch_lightning.utilities.parsing.AttributeDict",
                "lightning.pytorch.utilities.parsing.AttributeDict", "lightning_fabric.utilities.data.AttributeDict",
                "lightning.fabric.utilities.data.AttributeDict", "collections.defaultdict", "argparse.Namespace",
                "builtins.list", "builtins.tuple", "builtins.set", "builtins.frozenset", "builtins.bytearray",
                "builtins.bytes", "_codecs.encode", "copyreg._reconstructor", "builtins.object", "builtins.int",
                "builtins.float", "builtins.str", "builtins.bool",
                "pytorch_lightning.callbacks.model_checkpoint.ModelCheckpoint",
                "pytorch_lightning.callbacks.early_stopping.EarlyStopping",
                "pytorch_lightning.callbacks.lr_monitor.LearningRateMonitor"));
        assertEquals(want, new java.util.TreeSet<>(SafeGlobals.allowed().keySet()),
                "a change to the allow-list must be reviewed and documented in docs/CHECKPOINTS.md");
        String doc = java.nio.file.Files.readString(dev.fiber.core.TestData.root().resolve("docs/CHECKPOINTS.md"));
        for (String name : List.of("_rebuild_tensor_v2", "_rebuild_from_type_v2", "collections.OrderedDict",
                "argparse.Namespace", "AttributeDict", "ModelCheckpoint", "_codecs.encode", "copyreg._reconstructor")) {
            assertTrue(doc.contains(name), name + " is documented");
        }
    }

    @Test
    void textOpcodesOfPython2() throws Exception {
        byte[] p = ("(dp0\nS'a\\'b\\x41\\n'\np1\nI01\nsS\"k\"\nF-2.5e3\nsVu\\u00e9\\U0001f600\nL12345678901234567890L\n"
                + "sU\u0002hi" + "N" + "s.").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Map<?, ?> d = (Map<?, ?>) load(p);
        assertEquals(Boolean.TRUE, d.get("a'bA\n"));
        assertEquals(-2500.0, d.get("k"));
        assertEquals(new BigInteger("12345678901234567890"), d.get("u\u00e9\uD83D\uDE00"));
        assertTrue(d.containsKey("hi"));
    }
}
