package dev.fiber.core.checkpoint;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON (RFC 8259) parser and writer for the safetensors header and the
 * {@code fiber inspect --json} output. Parsing works on the raw UTF-8 bytes so that errors carry a
 * byte position; duplicate object keys, trailing commas, comments and nesting deeper than a limit
 * are refused. Objects become insertion-ordered {@link LinkedHashMap}s, integers {@link Long} (or
 * {@link BigInteger}), other numbers {@link Double}.
 */
final class Json {

    /** A parse error at a byte position. */
    static final class ParseException extends Exception {
        private static final long serialVersionUID = 1L;
        final int position;

        ParseException(int position, String message) {
            super(message);
            this.position = position;
        }
    }

    private final byte[] b;
    private final int maxDepth;
    private int p;

    private Json(byte[] b, int maxDepth) {
        this.b = b;
        this.maxDepth = maxDepth;
    }

    /**
     * Parses one JSON value that must span all of {@code bytes} (surrounding whitespace allowed).
     *
     * @param bytes UTF-8 JSON text
     * @param maxDepth deepest nesting of arrays/objects accepted
     */
    static Object parse(byte[] bytes, int maxDepth) throws ParseException {
        Json j = new Json(bytes, maxDepth);
        j.ws();
        Object v = j.value(0);
        j.ws();
        if (j.p != bytes.length) {
            throw new ParseException(j.p, "unexpected data after the JSON value");
        }
        return v;
    }

    private ParseException err(String m) {
        return new ParseException(p, m);
    }

    private void ws() {
        while (p < b.length && (b[p] == ' ' || b[p] == '\t' || b[p] == '\n' || b[p] == '\r')) {
            p++;
        }
    }

    private Object value(int depth) throws ParseException {
        if (p >= b.length) {
            throw err("unexpected end of JSON");
        }
        switch (b[p]) {
            case '{':
                return object(depth + 1);
            case '[':
                return array(depth + 1);
            case '"':
                return string();
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return null;
            default:
                return number();
        }
    }

    private void literal(String s) throws ParseException {
        for (int i = 0; i < s.length(); i++) {
            if (p + i >= b.length || b[p + i] != s.charAt(i)) {
                throw err("invalid literal");
            }
        }
        p += s.length();
    }

    private Map<String, Object> object(int depth) throws ParseException {
        if (depth > maxDepth) {
            throw err("JSON nested deeper than " + maxDepth + " levels");
        }
        p++;
        Map<String, Object> m = new LinkedHashMap<>();
        ws();
        if (p < b.length && b[p] == '}') {
            p++;
            return m;
        }
        while (true) {
            ws();
            if (p >= b.length || b[p] != '"') {
                throw err("expected a string key");
            }
            int keyPos = p;
            String k = string();
            ws();
            if (p >= b.length || b[p] != ':') {
                throw err("expected ':'");
            }
            p++;
            ws();
            Object v = value(depth);
            if (m.containsKey(k)) {
                throw new ParseException(keyPos, "duplicate key \"" + k + "\"");
            }
            m.put(k, v);
            ws();
            if (p < b.length && b[p] == ',') {
                p++;
                continue;
            }
            if (p < b.length && b[p] == '}') {
                p++;
                return m;
            }
            throw err("expected ',' or '}'");
        }
    }

    private List<Object> array(int depth) throws ParseException {
        if (depth > maxDepth) {
            throw err("JSON nested deeper than " + maxDepth + " levels");
        }
        p++;
        List<Object> l = new ArrayList<>();
        ws();
        if (p < b.length && b[p] == ']') {
            p++;
            return l;
        }
        while (true) {
            ws();
            l.add(value(depth));
            ws();
            if (p < b.length && b[p] == ',') {
                p++;
                continue;
            }
            if (p < b.length && b[p] == ']') {
                p++;
                return l;
            }
            throw err("expected ',' or ']'");
        }
    }

    private String string() throws ParseException {
        int start = p;
        p++;
        StringBuilder sb = null;
        int runStart = p;
        while (true) {
            if (p >= b.length) {
                throw new ParseException(start, "unterminated string");
            }
            int c = b[p] & 0xFF;
            if (c == '"') {
                String tail = utf8(runStart, p);
                p++;
                return sb == null ? tail : sb.append(tail).toString();
            }
            if (c < 0x20) {
                throw err("control character in string");
            }
            if (c != '\\') {
                p++;
                continue;
            }
            if (sb == null) {
                sb = new StringBuilder();
            }
            sb.append(utf8(runStart, p));
            p++;
            if (p >= b.length) {
                throw err("unterminated escape");
            }
            int e = b[p++];
            switch (e) {
                case '"': sb.append('"'); break;
                case '\\': sb.append('\\'); break;
                case '/': sb.append('/'); break;
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'n': sb.append('\n'); break;
                case 'r': sb.append('\r'); break;
                case 't': sb.append('\t'); break;
                case 'u': {
                    if (p + 4 > b.length) {
                        throw err("truncated \\u escape");
                    }
                    int v = 0;
                    for (int i = 0; i < 4; i++) {
                        int h = Character.digit(b[p + i], 16);
                        if (h < 0) {
                            throw err("bad \\u escape");
                        }
                        v = v * 16 + h;
                    }
                    p += 4;
                    sb.append((char) v);
                    break;
                }
                default:
                    throw err("bad escape \\" + (char) e);
            }
            runStart = p;
        }
    }

    private String utf8(int from, int to) throws ParseException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            throw new ParseException(from, "string is not valid UTF-8");
        }
    }

    private Object number() throws ParseException {
        int start = p;
        if (p < b.length && b[p] == '-') {
            p++;
        }
        if (p >= b.length || !isDigit(b[p])) {
            throw new ParseException(start, "invalid JSON value");
        }
        if (b[p] == '0') {
            p++;
        } else {
            while (p < b.length && isDigit(b[p])) {
                p++;
            }
        }
        boolean integer = true;
        if (p < b.length && b[p] == '.') {
            integer = false;
            p++;
            if (p >= b.length || !isDigit(b[p])) {
                throw err("digit expected after '.'");
            }
            while (p < b.length && isDigit(b[p])) {
                p++;
            }
        }
        if (p < b.length && (b[p] == 'e' || b[p] == 'E')) {
            integer = false;
            p++;
            if (p < b.length && (b[p] == '+' || b[p] == '-')) {
                p++;
            }
            if (p >= b.length || !isDigit(b[p])) {
                throw err("digit expected in exponent");
            }
            while (p < b.length && isDigit(b[p])) {
                p++;
            }
        }
        String s = new String(b, start, p - start, StandardCharsets.US_ASCII);
        if (s.length() > 400) {
            throw new ParseException(start, "number literal too long");
        }
        if (integer) {
            BigInteger v = new BigInteger(s);
            return v.bitLength() < 64 ? (Object) v.longValue() : v;
        }
        return new BigDecimal(s).doubleValue();
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    // ---- writing -------------------------------------------------------------------------------

    /**
     * Writes a value built of maps (keys via {@code String.valueOf}), collections, strings, numbers,
     * booleans and nulls. Non-finite doubles are written as strings ({@code "NaN"}, {@code "Infinity"}).
     *
     * @param indent spaces per level, or -1 for the compact form
     */
    static String write(Object v, int indent) {
        StringBuilder sb = new StringBuilder();
        write(sb, v, indent, 0);
        return sb.toString();
    }

    private static void newline(StringBuilder sb, int indent, int level) {
        if (indent >= 0) {
            sb.append('\n');
            for (int i = 0; i < indent * level; i++) {
                sb.append(' ');
            }
        }
    }

    private static void write(StringBuilder sb, Object v, int indent, int level) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            quote(sb, s);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isFinite(d)) {
                sb.append(d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) + ".0" : String.valueOf(d));
            } else {
                quote(sb, Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
            }
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                newline(sb, indent, level + 1);
                quote(sb, String.valueOf(e.getKey()));
                sb.append(indent >= 0 ? ": " : ":");
                write(sb, e.getValue(), indent, level + 1);
            }
            newline(sb, indent, level);
            sb.append('}');
        } else if (v instanceof Collection<?> c) {
            if (c.isEmpty()) {
                sb.append("[]");
                return;
            }
            boolean flat = true;
            for (Object o : c) {
                flat &= !(o instanceof Map || o instanceof Collection);
            }
            sb.append('[');
            boolean first = true;
            for (Object o : c) {
                if (!first) {
                    sb.append(flat && indent >= 0 ? ", " : ",");
                }
                first = false;
                if (!flat) {
                    newline(sb, indent, level + 1);
                }
                write(sb, o, indent, level + 1);
            }
            if (!flat) {
                newline(sb, indent, level);
            }
            sb.append(']');
        } else if (v instanceof long[] a) {
            List<Object> l = new ArrayList<>();
            for (long x : a) {
                l.add(x);
            }
            write(sb, l, indent, level);
        } else {
            quote(sb, String.valueOf(v));
        }
    }

    static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                default:
                    if (c < 0x20 || (Character.isSurrogate(c) && !validSurrogate(s, i))) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
