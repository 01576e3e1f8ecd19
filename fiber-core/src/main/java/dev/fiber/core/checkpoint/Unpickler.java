package dev.fiber.core.checkpoint;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A safe pickle virtual machine for protocols 0-5 that builds only plain Java values: {@link PyDict}
 * (ordered maps), {@link java.util.ArrayList} (lists), {@link PyTuple}, {@link String}, {@link Long} or
 * {@link BigInteger} (ints), {@link Double}, {@link Boolean}, {@code null} (None), {@code byte[]},
 * sets, and {@link TensorRef}s for the tensors {@code torch.save} describes. Globals are resolved
 * against {@link SafeGlobals}; anything else is refused at the opcode that names it, so nothing is
 * ever imported, instantiated or executed.
 *
 * <p>Mirrors the opcode semantics of CPython's {@code pickle._Unpickler} (and so what
 * {@code torch.load} sees), with the differences a safe reader needs: strict stack discipline around
 * marks, unhashable dict keys refused, bounded lengths and nesting, and a memory budget so that a
 * small malicious pickle cannot exhaust the heap.
 */
final class Unpickler {

    /** Longest str/bytes object accepted. */
    static final long MAX_STRING = 256L << 20;
    /** Longest LONG1/LONG4 integer accepted, in bytes (about 10,000 decimal digits). */
    static final int MAX_LONG_BYTES = 4096;
    /** Deepest nesting of containers accepted. */
    static final int MAX_DEPTH = 500;
    private static final int MAX_NAME = 1024;
    private static final int MAX_DECIMAL_DIGITS = 4300;
    private static final long DEFAULT_BUDGET = 1L << 30;
    private static final Pattern PY_FLOAT = Pattern.compile(
            "[+-]?(?:(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?|(?i:nan|inf|infinity))");
    private static final Pattern PY_INT = Pattern.compile("[+-]?\\d+");

    /** Resolves a persistent id (the storages of a torch checkpoint). */
    @FunctionalInterface
    interface PersistentLoader {
        Object load(Object pid, TensorRef.ErrorSink err) throws CheckpointException;
    }

    private final PickleInput in;
    private final PersistentLoader loader;
    private final ArrayList<Object> stack = new ArrayList<>();
    private int[] marks = new int[16];
    private int markCount;
    private final HashMap<Long, Object> memo = new HashMap<>();
    private long budget;
    private long opPos;
    private int protocol = -1;

    /**
     * @param in the pickle bytes
     * @param loader resolves persistent ids, or {@code null} if the pickle may not contain any
     */
    Unpickler(PickleInput in, PersistentLoader loader) {
        this.in = in;
        this.loader = loader;
        this.budget = Long.getLong("fiber.checkpoint.maxPickleMemory", DEFAULT_BUDGET);
    }

    /** @return the protocol named by the PROTO opcode, or -1 if there was none */
    int protocol() {
        return protocol;
    }

    private CheckpointException fail(String reason) {
        return in.error(opPos, reason);
    }

    private void charge(long bytes) throws CheckpointException {
        budget -= bytes;
        if (budget < 0) {
            throw fail("pickle builds more data than the memory budget allows (malicious or corrupt?); raise"
                    + " -Dfiber.checkpoint.maxPickleMemory if the file is genuine");
        }
    }

    // ---- stack helpers -------------------------------------------------------------------------

    private int floor() {
        return markCount == 0 ? 0 : marks[markCount - 1];
    }

    private void push(Object o) throws CheckpointException {
        charge(8);
        stack.add(o);
    }

    private Object pop() throws CheckpointException {
        if (stack.size() <= floor()) {
            throw fail("stack underflow" + (markCount > 0 ? " (a value is missing above a MARK)" : ""));
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() throws CheckpointException {
        if (stack.size() <= floor()) {
            throw fail("stack underflow" + (markCount > 0 ? " (a value is missing above a MARK)" : ""));
        }
        return stack.get(stack.size() - 1);
    }

    private void pushMark() throws CheckpointException {
        if (markCount == marks.length) {
            charge(4L * marks.length);
            marks = Arrays.copyOf(marks, marks.length * 2);
        }
        marks[markCount++] = stack.size();
    }

    private List<Object> popMark() throws CheckpointException {
        if (markCount == 0) {
            throw fail("no MARK on the stack");
        }
        int m = marks[--markCount];
        List<Object> sub = stack.subList(m, stack.size());
        List<Object> items = new ArrayList<>(sub);
        sub.clear();
        return items;
    }

    // ---- the machine ---------------------------------------------------------------------------

    /** Runs the pickle up to its STOP opcode and returns the value it built. */
    Object load() throws CheckpointException {
        while (true) {
            opPos = in.position();
            int op = in.readByte();
            switch (op) {
                case 0x80: { // PROTO
                    int v = in.readByte();
                    if (v > 5) {
                        throw fail("unsupported pickle protocol " + v);
                    }
                    protocol = v;
                    break;
                }
                case 0x95: { // FRAME
                    long n = in.readInt64();
                    if (n < 0 || n > in.remaining()) {
                        throw fail("frame of " + n + " bytes runs past the end of the pickle");
                    }
                    break;
                }
                case '.': { // STOP
                    if (markCount != 0) {
                        throw fail("STOP with an unclosed MARK");
                    }
                    if (stack.size() != 1) {
                        throw fail("STOP with " + stack.size() + " values on the stack (expected 1)");
                    }
                    return stack.get(0);
                }
                case '(': // MARK
                    pushMark();
                    break;
                case '0': // POP
                    if (stack.size() > floor()) {
                        stack.remove(stack.size() - 1);
                    } else {
                        popMark();
                    }
                    break;
                case '1': // POP_MARK
                    popMark();
                    break;
                case '2': // DUP
                    push(peek());
                    break;
                case 'N':
                    push(null);
                    break;
                case 0x88:
                    push(Boolean.TRUE);
                    break;
                case 0x89:
                    push(Boolean.FALSE);
                    break;
                case 'J': // BININT
                    push((long) in.readInt32());
                    break;
                case 'K': // BININT1
                    push((long) in.readByte());
                    break;
                case 'M': // BININT2
                    push((long) in.readUInt16());
                    break;
                case 0x8a: // LONG1
                    push(decodeLong(in.readBytes(in.readByte(), MAX_LONG_BYTES, "LONG1 integer")));
                    break;
                case 0x8b: { // LONG4
                    long n = in.readInt32();
                    push(decodeLong(in.readBytes(n, MAX_LONG_BYTES, "LONG4 integer")));
                    break;
                }
                case 'I': // INT (text)
                    push(parseTextInt(line("INT argument"), false));
                    break;
                case 'L': // LONG (text)
                    push(parseTextInt(line("LONG argument"), true));
                    break;
                case 'F': { // FLOAT (text)
                    String s = line("FLOAT argument");
                    if (!PY_FLOAT.matcher(s).matches()) {
                        throw fail("malformed FLOAT argument '" + abbreviate(s) + "'");
                    }
                    String low = s.toLowerCase(java.util.Locale.ROOT);
                    double d = low.endsWith("nan") ? Double.NaN
                            : low.endsWith("inf") || low.endsWith("infinity")
                                    ? (low.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY)
                                    : Double.parseDouble(s);
                    charge(24);
                    push(d);
                    break;
                }
                case 'G': // BINFLOAT
                    charge(24);
                    push(in.readDoubleBigEndian());
                    break;
                case 'X': // BINUNICODE
                    push(str(in.readBytes(in.readUInt32(), MAX_STRING, "BINUNICODE string")));
                    break;
                case 0x8c: // SHORT_BINUNICODE
                    push(str(in.readBytes(in.readByte(), MAX_STRING, "SHORT_BINUNICODE string")));
                    break;
                case 0x8d: // BINUNICODE8
                    push(str(in.readBytes(in.readInt64(), MAX_STRING, "BINUNICODE8 string")));
                    break;
                case 'T': // BINSTRING (Python 2 str, decoded as UTF-8 like torch.load does)
                    push(str(in.readBytes(in.readInt32(), MAX_STRING, "BINSTRING string")));
                    break;
                case 'U': // SHORT_BINSTRING
                    push(str(in.readBytes(in.readByte(), MAX_STRING, "SHORT_BINSTRING string")));
                    break;
                case 'S': // STRING (text, quoted)
                    push(str(parseQuoted(rawLine("STRING argument"))));
                    break;
                case 'V': // UNICODE (text, raw-unicode-escape)
                    push(rawUnicodeEscape(rawLine("UNICODE argument")));
                    break;
                case 'B': // BINBYTES
                    push(bytes(in.readBytes(in.readUInt32(), MAX_STRING, "BINBYTES object")));
                    break;
                case 'C': // SHORT_BINBYTES
                    push(bytes(in.readBytes(in.readByte(), MAX_STRING, "SHORT_BINBYTES object")));
                    break;
                case 0x8e: // BINBYTES8
                    push(bytes(in.readBytes(in.readInt64(), MAX_STRING, "BINBYTES8 object")));
                    break;
                case 0x96: // BYTEARRAY8
                    push(bytes(in.readBytes(in.readInt64(), MAX_STRING, "BYTEARRAY8 object")));
                    break;
                case '}': // EMPTY_DICT
                    charge(64);
                    push(new PyDict("builtins.dict"));
                    break;
                case ']': // EMPTY_LIST
                    charge(32);
                    push(new ArrayList<>());
                    break;
                case ')': // EMPTY_TUPLE
                    push(PyTuple.EMPTY);
                    break;
                case 0x8f: // EMPTY_SET
                    charge(64);
                    push(new LinkedHashSet<>());
                    break;
                case 't': // TUPLE
                    push(tuple(popMark()));
                    break;
                case 0x85: // TUPLE1
                    push(tuple(Collections.singletonList(pop())));
                    break;
                case 0x86: { // TUPLE2
                    Object b = pop();
                    Object a = pop();
                    push(tuple(Arrays.asList(a, b)));
                    break;
                }
                case 0x87: { // TUPLE3
                    Object c = pop();
                    Object b = pop();
                    Object a = pop();
                    push(tuple(Arrays.asList(a, b, c)));
                    break;
                }
                case 'l': { // LIST
                    List<Object> items = popMark();
                    charge(32 + 8L * items.size());
                    push(new ArrayList<>(items));
                    break;
                }
                case 'd': { // DICT
                    List<Object> items = popMark();
                    PyDict d = new PyDict("builtins.dict");
                    charge(64);
                    setItems(d, items);
                    push(d);
                    break;
                }
                case 'a': { // APPEND
                    Object v = pop();
                    appendTo(peek(), Collections.singletonList(v));
                    break;
                }
                case 'e': { // APPENDS
                    List<Object> items = popMark();
                    appendTo(peek(), items);
                    break;
                }
                case 's': { // SETITEM
                    Object v = pop();
                    Object k = pop();
                    setItems(peek(), Arrays.asList(k, v));
                    break;
                }
                case 'u': { // SETITEMS
                    List<Object> items = popMark();
                    setItems(peek(), items);
                    break;
                }
                case 0x90: { // ADDITEMS
                    List<Object> items = popMark();
                    Object target = peek();
                    if (!(target instanceof Set) || target instanceof FrozenSetValue) {
                        throw fail("ADDITEMS on a " + PickleValues.typeName(target) + " (expected a set)");
                    }
                    addToSet(castSet(target), items);
                    break;
                }
                case 0x91: { // FROZENSET
                    List<Object> items = popMark();
                    LinkedHashSet<Object> s = new LinkedHashSet<>();
                    addToSet(s, items);
                    push(frozen(s));
                    break;
                }
                case 'q': // BINPUT
                    memoPut(in.readByte());
                    break;
                case 'r': // LONG_BINPUT
                    memoPut(in.readUInt32());
                    break;
                case 'p': // PUT
                    memoPut(parseMemoIndex(line("PUT argument")));
                    break;
                case 0x94: // MEMOIZE
                    memoPut(memo.size());
                    break;
                case 'h': // BINGET
                    push(memoGet(in.readByte()));
                    break;
                case 'j': // LONG_BINGET
                    push(memoGet(in.readUInt32()));
                    break;
                case 'g': // GET
                    push(memoGet(parseMemoIndex(line("GET argument"))));
                    break;
                case 'c': { // GLOBAL
                    String module = name(line("GLOBAL module"));
                    String name = name(line("GLOBAL name"));
                    push(resolve(module, name));
                    break;
                }
                case 0x93: { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String) || !(name instanceof String)) {
                        throw fail("STACK_GLOBAL needs two strings, got " + PickleValues.typeName(module) + " and "
                                + PickleValues.typeName(name));
                    }
                    push(resolve((String) module, (String) name));
                    break;
                }
                case 'i': { // INST
                    String module = name(line("INST module"));
                    String name = name(line("INST name"));
                    Object cls = resolve(module, name);
                    List<Object> args = popMark();
                    push(instantiate(cls, args));
                    break;
                }
                case 'o': { // OBJ
                    List<Object> items = popMark();
                    if (items.isEmpty()) {
                        throw fail("OBJ without a class");
                    }
                    push(instantiate(items.get(0), items.subList(1, items.size())));
                    break;
                }
                case 'R': { // REDUCE
                    Object args = pop();
                    Object func = pop();
                    push(call(func, args));
                    break;
                }
                case 0x81: { // NEWOBJ
                    Object args = pop();
                    Object cls = pop();
                    push(newObject(cls, args));
                    break;
                }
                case 0x92: { // NEWOBJ_EX
                    Object kwargs = pop();
                    Object args = pop();
                    Object cls = pop();
                    if (!(kwargs instanceof Map) || !((Map<?, ?>) kwargs).isEmpty()) {
                        throw fail("NEWOBJ_EX with keyword arguments is not supported");
                    }
                    push(newObject(cls, args));
                    break;
                }
                case 'b': { // BUILD
                    Object state = pop();
                    build(peek(), state);
                    break;
                }
                case 'P': { // PERSID
                    String pid = new String(in.readLine(MAX_NAME, "PERSID argument"), StandardCharsets.US_ASCII);
                    push(persistent(pid));
                    break;
                }
                case 'Q': // BINPERSID
                    push(persistent(pop()));
                    break;
                case 0x82:
                case 0x83:
                case 0x84: { // EXT1, EXT2, EXT4
                    long code = op == 0x82 ? in.readByte() : op == 0x83 ? in.readUInt16() : in.readInt32();
                    throw new UnsafeGlobalException(in.file(), in.region(), opPos, "copyreg extension " + code,
                            "refused pickle global named by copyreg extension code " + code
                                    + " (extension registry lookups are not allowed)");
                }
                case 0x97:
                case 0x98:
                    throw fail("out-of-band pickle buffers (protocol 5 NEXT_BUFFER/READONLY_BUFFER) are not"
                            + " supported");
                default:
                    throw fail(String.format("unknown pickle opcode 0x%02x", op));
            }
        }
    }

    // ---- value builders ------------------------------------------------------------------------

    private PyTuple tuple(List<Object> items) throws CheckpointException {
        charge(24 + 8L * items.size());
        PyTuple t = items.isEmpty() ? PyTuple.EMPTY : new PyTuple(items.toArray());
        if (t.depth() > MAX_DEPTH) {
            throw fail("tuples nested deeper than " + MAX_DEPTH + " levels");
        }
        return t;
    }

    private FrozenSetValue frozen(LinkedHashSet<Object> s) throws CheckpointException {
        FrozenSetValue f = new FrozenSetValue(s);
        if (f.depth() > MAX_DEPTH) {
            throw fail("frozensets nested deeper than " + MAX_DEPTH + " levels");
        }
        return f;
    }

    private String str(byte[] utf8) throws CheckpointException {
        charge(40 + 2L * utf8.length);
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer cb = dec.decode(ByteBuffer.wrap(utf8));
            return cb.toString();
        } catch (CharacterCodingException e) {
            throw fail("string is not valid UTF-8");
        }
    }

    private byte[] bytes(byte[] b) throws CheckpointException {
        charge(16 + b.length);
        return b;
    }

    private Object decodeLong(byte[] le) throws CheckpointException {
        charge(32 + le.length);
        if (le.length == 0) {
            return 0L;
        }
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private String line(String what) throws CheckpointException {
        byte[] b = in.readLine(MAX_NAME, what);
        String s = new String(b, StandardCharsets.UTF_8);
        if (s.endsWith("\r")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    private byte[] rawLine(String what) throws CheckpointException {
        long max = Math.min(MAX_STRING, Integer.MAX_VALUE - 16);
        return in.readLine((int) max, what);
    }

    private String name(String s) throws CheckpointException {
        if (s.isEmpty()) {
            throw fail("empty global name");
        }
        return s;
    }

    private Object parseTextInt(String s, boolean isLong) throws CheckpointException {
        if (isLong && s.endsWith("L")) {
            s = s.substring(0, s.length() - 1);
        }
        if (!isLong && s.equals("00")) {
            return Boolean.FALSE;
        }
        if (!isLong && s.equals("01")) {
            return Boolean.TRUE;
        }
        if (!PY_INT.matcher(s).matches() || s.length() > MAX_DECIMAL_DIGITS) {
            throw fail("malformed integer '" + abbreviate(s) + "'");
        }
        charge(32 + s.length());
        BigInteger v = new BigInteger(s);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private long parseMemoIndex(String s) throws CheckpointException {
        if (!s.matches("\\d{1,18}")) {
            throw fail("malformed memo index '" + abbreviate(s) + "'");
        }
        return Long.parseLong(s);
    }

    private static String abbreviate(String s) {
        return printable(s.length() > 40 ? s.substring(0, 40) + "..." : s);
    }

    /** Escapes control and non-ASCII characters and shortens very long names for error messages. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 200; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                sb.append(c);
            } else {
                sb.append(c < 0x100 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
            }
        }
        if (sb.length() >= 200) {
            sb.append("...");
        }
        return sb.toString();
    }

    /** Decodes a Python 2 {@code repr()} string literal ({@code 'abc'} or {@code "abc"}) into bytes. */
    private byte[] parseQuoted(byte[] raw) throws CheckpointException {
        int n = raw.length;
        if (n < 2 || raw[0] != raw[n - 1] || (raw[0] != '\'' && raw[0] != '"')) {
            throw fail("STRING argument is not a quoted string");
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(n);
        for (int i = 1; i < n - 1; i++) {
            int c = raw[i] & 0xFF;
            if (c != '\\') {
                out.write(c);
                continue;
            }
            if (++i >= n - 1) {
                throw fail("STRING argument ends with a backslash");
            }
            int e = raw[i] & 0xFF;
            switch (e) {
                case 'n': out.write('\n'); break;
                case 't': out.write('\t'); break;
                case 'r': out.write('\r'); break;
                case 'a': out.write(7); break;
                case 'b': out.write(8); break;
                case 'f': out.write(12); break;
                case 'v': out.write(11); break;
                case '\\': case '\'': case '"': out.write(e); break;
                case '\n': break;
                case 'x': {
                    if (i + 2 > n - 2) {
                        throw fail("truncated \\x escape in STRING argument");
                    }
                    int v = hex(raw[i + 1]) * 16 + hex(raw[i + 2]);
                    if (v < 0) {
                        throw fail("bad \\x escape in STRING argument");
                    }
                    out.write(v);
                    i += 2;
                    break;
                }
                default:
                    if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        int k = 1;
                        while (k < 3 && i + 1 < n - 1 && raw[i + 1] >= '0' && raw[i + 1] <= '7') {
                            v = v * 8 + (raw[++i] - '0');
                            k++;
                        }
                        out.write(v & 0xFF);
                    } else {
                        out.write('\\');
                        out.write(e);
                    }
                    break;
            }
        }
        return out.toByteArray();
    }

    private static int hex(byte b) {
        int c = b & 0xFF;
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1000;
    }

    /** Python's {@code raw-unicode-escape} codec: latin-1 bytes with {@code \\uXXXX} and {@code \\UXXXXXXXX}. */
    private String rawUnicodeEscape(byte[] raw) throws CheckpointException {
        charge(40 + 2L * raw.length);
        StringBuilder sb = new StringBuilder(raw.length);
        for (int i = 0; i < raw.length; i++) {
            int c = raw[i] & 0xFF;
            if (c == '\\' && i + 1 < raw.length && (raw[i + 1] == 'u' || raw[i + 1] == 'U')) {
                int digits = raw[i + 1] == 'u' ? 4 : 8;
                if (i + 1 + digits >= raw.length) {
                    throw fail("truncated \\" + (char) raw[i + 1] + " escape in UNICODE argument");
                }
                long v = 0;
                for (int k = 0; k < digits; k++) {
                    int h = hex(raw[i + 2 + k]);
                    if (h < 0) {
                        throw fail("bad \\u escape in UNICODE argument");
                    }
                    v = v * 16 + h;
                }
                if (v > Character.MAX_CODE_POINT) {
                    throw fail("code point out of range in UNICODE argument");
                }
                sb.appendCodePoint((int) v);
                i += 1 + digits;
            } else {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    // ---- containers ----------------------------------------------------------------------------

    private void appendTo(Object target, List<Object> items) throws CheckpointException {
        if (!(target instanceof ArrayList)) {
            throw fail("APPEND to a " + PickleValues.typeName(target) + " (expected a list)");
        }
        charge(8L * items.size());
        castList(target).addAll(items);
    }

    private void setItems(Object target, List<Object> items) throws CheckpointException {
        if (!(target instanceof PyDict)) {
            throw fail("SETITEM on a " + PickleValues.typeName(target) + " (expected a dict)");
        }
        if (items.size() % 2 != 0) {
            throw fail("SETITEMS with an odd number of values (" + items.size() + ")");
        }
        PyDict d = (PyDict) target;
        charge(24L * items.size());
        for (int i = 0; i < items.size(); i += 2) {
            Object k = items.get(i);
            if (!PickleValues.isHashable(k)) {
                throw fail("unhashable dict key of type " + PickleValues.typeName(k));
            }
            d.put(k, items.get(i + 1));
        }
    }

    private void addToSet(Set<Object> s, Collection<Object> items) throws CheckpointException {
        charge(24L * items.size());
        for (Object o : items) {
            if (!PickleValues.isHashable(o)) {
                throw fail("unhashable set element of type " + PickleValues.typeName(o));
            }
            s.add(o);
        }
    }

    @SuppressWarnings("unchecked")
    private static ArrayList<Object> castList(Object o) {
        return (ArrayList<Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static Set<Object> castSet(Object o) {
        return (Set<Object>) o;
    }

    private void memoPut(long index) throws CheckpointException {
        Object v = peek();
        charge(48);
        memo.put(index, v);
    }

    private Object memoGet(long index) throws CheckpointException {
        if (!memo.containsKey(index)) {
            throw fail("memo entry " + index + " was never stored");
        }
        return memo.get(index);
    }

    private Object persistent(Object pid) throws CheckpointException {
        if (loader == null) {
            throw fail("persistent id " + PickleValues.typeName(pid) + " in a pickle that may not reference"
                    + " storages");
        }
        return loader.load(pid, this::fail);
    }

    // ---- globals -------------------------------------------------------------------------------

    private Object resolve(String module, String name) throws CheckpointException {
        String m = SafeGlobals.normalizeModule(module);
        if (m.equals("torch")) {
            TorchDType dt = TorchDType.fromTorchName(name);
            if (dt != null) {
                return dt;
            }
        }
        SafeGlobals.Kind k = SafeGlobals.kind(module, name);
        String written = module + "." + name;
        if (k == null) {
            String alias = m.equals(module) ? "" : " (" + m + "." + name + ")";
            throw new UnsafeGlobalException(in.file(), in.region(), opPos, written, "refused pickle global "
                    + printable(written) + printable(alias) + ": it is not on the allow-list of plain-data and"
                    + " tensor types, and loading it could run arbitrary code");
        }
        charge(64);
        return new PyGlobal(m, name);
    }

    private SafeGlobals.Kind kindOf(Object o) {
        if (o instanceof PyGlobal g) {
            return SafeGlobals.kind(g.module(), g.name());
        }
        return null;
    }

    private Object instantiate(Object cls, List<Object> args) throws CheckpointException {
        SafeGlobals.Kind k = kindOf(cls);
        if (args.isEmpty() && (k == SafeGlobals.Kind.DICT || k == SafeGlobals.Kind.NAMESPACE
                || k == SafeGlobals.Kind.DEFAULT_DICT)) {
            return newObject(cls, PyTuple.EMPTY);
        }
        return call(cls, tuple(args));
    }

    private PyTuple argsTuple(Object args, String what) throws CheckpointException {
        if (!(args instanceof PyTuple)) {
            throw fail(what + " arguments must be a tuple, got " + PickleValues.typeName(args));
        }
        return (PyTuple) args;
    }

    private Object call(Object func, Object argsObj) throws CheckpointException {
        if (!(func instanceof PyGlobal)) {
            throw fail("cannot call a " + PickleValues.typeName(func) + " value (only allow-listed globals"
                    + " may be called)");
        }
        PyGlobal g = (PyGlobal) func;
        SafeGlobals.Kind k = kindOf(g);
        PyTuple args = argsTuple(argsObj, g.qualifiedName());
        String fn = g.qualifiedName();
        switch (k) {
            case REBUILD_TENSOR_V2: {
                arity(fn, args, 6, 7);
                Object hooks = args.get(5);
                if (hooks != null && !(hooks instanceof Map)) {
                    throw fail(fn + ": backward hooks must be a dict, got " + PickleValues.typeName(hooks));
                }
                if (hooks instanceof Map && !((Map<?, ?>) hooks).isEmpty()) {
                    throw fail(fn + ": tensors with backward hooks are not supported");
                }
                if (args.size() == 7 && args.get(6) != null && !(args.get(6) instanceof Map)) {
                    throw fail(fn + ": metadata must be a dict, got " + PickleValues.typeName(args.get(6)));
                }
                requireBool(fn, args.get(4), "requires_grad");
                return rebuildTensor(fn, args);
            }
            case REBUILD_TENSOR:
                arity(fn, args, 4, 4);
                return rebuildTensor(fn, args);
            case REBUILD_PARAMETER:
            case REBUILD_PARAMETER_WITH_STATE: {
                int n = k == SafeGlobals.Kind.REBUILD_PARAMETER ? 3 : 4;
                arity(fn, args, n, n);
                if (!(args.get(0) instanceof TensorRef)) {
                    throw fail(fn + ": data must be a tensor, got " + PickleValues.typeName(args.get(0)));
                }
                requireBool(fn, args.get(1), "requires_grad");
                Object hooks = args.get(2);
                if (hooks instanceof Map && !((Map<?, ?>) hooks).isEmpty()) {
                    throw fail(fn + ": parameters with backward hooks are not supported");
                }
                return args.get(0);
            }
            case REBUILD_FROM_TYPE_V2: {
                arity(fn, args, 4, 4);
                SafeGlobals.Kind inner = kindOf(args.get(0));
                if (inner != SafeGlobals.Kind.REBUILD_TENSOR_V2 && inner != SafeGlobals.Kind.REBUILD_TENSOR
                        && inner != SafeGlobals.Kind.REBUILD_PARAMETER
                        && inner != SafeGlobals.Kind.REBUILD_PARAMETER_WITH_STATE) {
                    throw fail(fn + ": the rebuild function must be a torch tensor rebuild function, got "
                            + PickleValues.typeName(args.get(0)));
                }
                if (kindOf(args.get(1)) != SafeGlobals.Kind.TENSOR_TYPE) {
                    throw fail(fn + ": the tensor type must be torch.Tensor or torch.nn.parameter.Parameter, got "
                            + PickleValues.typeName(args.get(1)));
                }
                Object state = args.get(3);
                if (state != null && !(state instanceof Map)) {
                    throw fail(fn + ": tensor state must be a dict, got " + PickleValues.typeName(state));
                }
                Object t = call(args.get(0), args.get(2));
                if (!(t instanceof TensorRef)) {
                    throw fail(fn + " did not build a tensor");
                }
                return t;
            }
            case TORCH_SIZE: {
                arity(fn, args, 0, 1);
                List<Object> items = args.isEmpty() ? List.of() : iterable(fn, args.get(0));
                for (Object o : items) {
                    if (!(o instanceof Long)) {
                        throw fail("torch.Size element must be an int, got " + PickleValues.typeName(o));
                    }
                }
                return tuple(items);
            }
            case TORCH_DEVICE: {
                arity(fn, args, 1, 2);
                if (!(args.get(0) instanceof String)) {
                    throw fail("torch.device type must be a string, got " + PickleValues.typeName(args.get(0)));
                }
                String dev = (String) args.get(0);
                if (args.size() == 2 && args.get(1) != null) {
                    if (!(args.get(1) instanceof Long)) {
                        throw fail("torch.device index must be an int");
                    }
                    dev = dev + ":" + args.get(1);
                }
                charge(40 + 2L * dev.length());
                return dev;
            }
            case DICT: {
                arity(fn, args, 0, 1);
                PyDict d = new PyDict(g.qualifiedName());
                charge(64);
                if (args.size() == 1) {
                    fillDict(fn, d, args.get(0));
                }
                return d;
            }
            case DEFAULT_DICT: {
                arity(fn, args, 0, 2);
                PyDict d = new PyDict(g.qualifiedName());
                charge(64);
                if (args.size() >= 1) {
                    Object factory = args.get(0);
                    if (factory != null && !(factory instanceof PyGlobal)) {
                        throw fail("defaultdict factory must be a type, got " + PickleValues.typeName(factory));
                    }
                    d.attributes().put("default_factory", factory);
                }
                if (args.size() == 2) {
                    fillDict(fn, d, args.get(1));
                }
                return d;
            }
            case NAMESPACE:
                arity(fn, args, 0, 0);
                charge(64);
                return new PyDict(g.qualifiedName());
            case LIST: {
                arity(fn, args, 0, 1);
                List<Object> items = args.isEmpty() ? List.of() : iterable(fn, args.get(0));
                charge(32 + 8L * items.size());
                return new ArrayList<>(items);
            }
            case TUPLE: {
                arity(fn, args, 0, 1);
                return tuple(args.isEmpty() ? List.of() : iterable(fn, args.get(0)));
            }
            case SET:
            case FROZENSET: {
                arity(fn, args, 0, 1);
                LinkedHashSet<Object> s = new LinkedHashSet<>();
                charge(64);
                if (args.size() == 1) {
                    addToSet(s, iterable(fn, args.get(0)));
                }
                return k == SafeGlobals.Kind.SET ? s : frozen(s);
            }
            case BYTES:
                arity(fn, args, 0, 2);
                if (args.isEmpty()) {
                    return bytes(new byte[0]);
                }
                if (args.size() == 1 && args.get(0) instanceof byte[]) {
                    return bytes(((byte[]) args.get(0)).clone());
                }
                if (args.size() == 1) {
                    List<Object> items = iterable(fn, args.get(0));
                    byte[] b = new byte[items.size()];
                    for (int i = 0; i < b.length; i++) {
                        Object o = items.get(i);
                        if (!(o instanceof Long) || (Long) o < 0 || (Long) o > 255) {
                            throw fail(fn + ": byte values must be ints in 0..255");
                        }
                        b[i] = (byte) (long) (Long) o;
                    }
                    return bytes(b);
                }
                return latin1(fn, args);
            case CODECS_ENCODE:
                arity(fn, args, 2, 2);
                return latin1(fn, args);
            case RECONSTRUCTOR: {
                arity(fn, args, 3, 3);
                SafeGlobals.Kind ck = kindOf(args.get(0));
                if (ck != SafeGlobals.Kind.DICT && ck != SafeGlobals.Kind.NAMESPACE) {
                    throw fail("copyreg._reconstructor may only rebuild dict types, got "
                            + PickleValues.typeName(args.get(0)));
                }
                PyGlobal base = args.get(1) instanceof PyGlobal b ? b : null;
                String baseName = base == null ? "" : base.qualifiedName();
                PyDict d = new PyDict(((PyGlobal) args.get(0)).qualifiedName());
                charge(64);
                if (baseName.equals("builtins.dict")) {
                    if (args.get(2) != null) {
                        fillDict(fn, d, args.get(2));
                    }
                } else if (baseName.equals("builtins.object")) {
                    if (args.get(2) != null) {
                        throw fail("copyreg._reconstructor with base object takes no state");
                    }
                } else {
                    throw fail("copyreg._reconstructor base must be builtins.object or builtins.dict, got "
                            + PickleValues.typeName(args.get(1)));
                }
                return d;
            }
            default:
                throw fail("global " + fn + " may not be called (it is only allowed as a value)");
        }
    }

    private Object newObject(Object cls, Object argsObj) throws CheckpointException {
        SafeGlobals.Kind k = kindOf(cls);
        if (k == null) {
            throw fail("cannot instantiate a " + PickleValues.typeName(cls) + " value");
        }
        PyGlobal g = (PyGlobal) cls;
        PyTuple args = argsTuple(argsObj, g.qualifiedName() + ".__new__");
        switch (k) {
            case DICT:
            case DEFAULT_DICT:
            case NAMESPACE:
                if (!args.isEmpty()) {
                    throw fail(g.qualifiedName() + ".__new__ takes no arguments here");
                }
                charge(64);
                return new PyDict(g.qualifiedName());
            case LIST:
            case SET:
            case TUPLE:
            case FROZENSET:
                return call(cls, args);
            default:
                throw fail("cannot instantiate " + g.qualifiedName());
        }
    }

    private void build(Object inst, Object state) throws CheckpointException {
        if (!(inst instanceof PyDict)) {
            throw fail("BUILD (setting object state) on a " + PickleValues.typeName(inst) + " is not supported");
        }
        PyDict d = (PyDict) inst;
        Object dictState = state;
        Object slotState = null;
        if (state instanceof PyTuple t && t.size() == 2) {
            dictState = t.get(0);
            slotState = t.get(1);
        }
        boolean namespace = d.className().equals("argparse.Namespace");
        for (Object s : Arrays.asList(dictState, slotState)) {
            if (s == null) {
                continue;
            }
            if (!(s instanceof Map)) {
                throw fail("object state must be a dict, got " + PickleValues.typeName(s));
            }
            for (Map.Entry<?, ?> e : ((Map<?, ?>) s).entrySet()) {
                if (!(e.getKey() instanceof String)) {
                    throw fail("attribute names must be strings, got " + PickleValues.typeName(e.getKey()));
                }
                if (namespace) {
                    d.put(e.getKey(), e.getValue());
                } else {
                    d.attributes().put((String) e.getKey(), e.getValue());
                }
            }
            charge(24L * ((Map<?, ?>) s).size());
        }
    }

    private void fillDict(String fn, PyDict d, Object src) throws CheckpointException {
        if (src instanceof Map) {
            Map<?, ?> m = (Map<?, ?>) src;
            List<Object> kv = new ArrayList<>(2 * m.size());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                kv.add(e.getKey());
                kv.add(e.getValue());
            }
            setItems(d, kv);
            return;
        }
        List<Object> pairs = iterable(fn, src);
        List<Object> kv = new ArrayList<>(2 * pairs.size());
        for (Object p : pairs) {
            if (!(p instanceof List) || ((List<?>) p).size() != 2) {
                throw fail(fn + ": items must be (key, value) pairs, got " + PickleValues.typeName(p));
            }
            kv.add(((List<?>) p).get(0));
            kv.add(((List<?>) p).get(1));
        }
        setItems(d, kv);
    }

    private List<Object> iterable(String fn, Object o) throws CheckpointException {
        if (o instanceof List) {
            return new ArrayList<>((List<?>) o);
        }
        if (o instanceof Set) {
            return new ArrayList<>((Set<?>) o);
        }
        throw fail(fn + ": expected a list or tuple argument, got " + PickleValues.typeName(o));
    }

    private byte[] latin1(String fn, PyTuple args) throws CheckpointException {
        if (args.size() != 2 || !(args.get(0) instanceof String) || !(args.get(1) instanceof String)) {
            throw fail(fn + ": expected (str, encoding) arguments");
        }
        String enc = ((String) args.get(1)).toLowerCase(java.util.Locale.ROOT);
        if (!enc.equals("latin1") && !enc.equals("latin-1") && !enc.equals("iso-8859-1")) {
            throw fail(fn + ": only latin-1 encoding is supported, got '" + abbreviate(enc) + "'");
        }
        String s = (String) args.get(0);
        byte[] b = new byte[s.length()];
        for (int i = 0; i < b.length; i++) {
            char c = s.charAt(i);
            if (c > 0xFF) {
                throw fail(fn + ": character U+" + Integer.toHexString(c) + " is not latin-1");
            }
            b[i] = (byte) c;
        }
        return bytes(b);
    }

    private void arity(String fn, PyTuple args, int min, int max) throws CheckpointException {
        if (args.size() < min || args.size() > max) {
            throw fail(fn + " takes " + (min == max ? String.valueOf(min) : min + " to " + max) + " arguments, got "
                    + args.size());
        }
    }

    private void requireBool(String fn, Object o, String what) throws CheckpointException {
        if (!(o instanceof Boolean)) {
            throw fail(fn + ": " + what + " must be a bool, got " + PickleValues.typeName(o));
        }
    }

    private long toLong(String fn, Object o, String what) throws CheckpointException {
        if (o instanceof Long l) {
            return l;
        }
        if (o instanceof BigInteger) {
            throw fail(fn + ": " + what + " " + abbreviate(o.toString()) + " is out of range");
        }
        throw fail(fn + ": " + what + " must be an int, got " + PickleValues.typeName(o));
    }

    private long[] dims(String fn, Object o, String what) throws CheckpointException {
        if (!(o instanceof List)) {
            throw fail(fn + ": " + what + " must be a tuple of ints, got " + PickleValues.typeName(o));
        }
        List<?> l = (List<?>) o;
        if (l.size() > TensorRef.MAX_DIMS) {
            throw fail(fn + ": " + what + " has " + l.size() + " dimensions (more than " + TensorRef.MAX_DIMS + ")");
        }
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = toLong(fn, l.get(i), what + " element");
        }
        return out;
    }

    private TensorRef rebuildTensor(String fn, PyTuple args) throws CheckpointException {
        if (!(args.get(0) instanceof StorageSlice)) {
            throw fail(fn + ": first argument must be a storage (persistent id), got "
                    + PickleValues.typeName(args.get(0)));
        }
        long offset = toLong(fn, args.get(1), "storage offset");
        long[] size = dims(fn, args.get(2), "size");
        long[] stride = dims(fn, args.get(3), "stride");
        charge(128 + 16L * size.length);
        return TensorRef.create("", (StorageSlice) args.get(0), offset, size, stride, this::fail);
    }
}
