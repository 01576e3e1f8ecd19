package dev.fiber.tasks.grounding;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A reader for the YAML that maskrcnn-benchmark / FIBER configurations are written in (yacs
 * {@code CfgNode}): the official {@code configs/*.yaml} files and full dumps ({@code cfg.dump()}).
 *
 * <p>Supports the block subset those files use: nested mappings by indentation, {@code - } sequences
 * (nested, with {@code &anchor} / {@code *alias}), {@code #} comments, quoted and plain scalars, inline
 * {@code [a, b]} lists and {@code {}}. Python tuples written as plain scalars ({@code (8, 16, 32)}), which yacs
 * evaluates, are read as lists. Values are kept as strings, lists and maps; typed getters convert them.
 */
public final class YacsConfig {

    private final Map<String, Object> root;
    private final String source;

    private YacsConfig(Map<String, Object> root, String source) {
        this.root = root;
        this.source = source;
    }

    /**
     * @param path a YAML file
     * @return the parsed configuration
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it uses YAML outside the supported subset
     */
    public static YacsConfig read(Path path) throws IOException {
        return parse(Files.readString(path, StandardCharsets.UTF_8), path.toString());
    }

    /**
     * @param text YAML text
     * @param source name for error messages
     * @return the parsed configuration
     */
    public static YacsConfig parse(String text, String source) {
        List<Line> lines = new ArrayList<>();
        String[] raw = text.split("\r?\n", -1);
        for (int i = 0; i < raw.length; i++) {
            String s = stripComment(raw[i]);
            if (s.isBlank()) {
                continue;
            }
            if (s.contains("\t")) {
                throw new IllegalArgumentException(source + ":" + (i + 1) + ": tabs are not valid YAML indentation");
            }
            int indent = 0;
            while (s.charAt(indent) == ' ') {
                indent++;
            }
            lines.add(new Line(i + 1, indent, s.substring(indent).stripTrailing()));
        }
        Parser p = new Parser(lines, source);
        Object value = lines.isEmpty() ? new LinkedHashMap<String, Object>() : p.block(lines.get(0).indent);
        if (p.pos != lines.size()) {
            throw p.error(lines.get(p.pos), "unexpected indentation");
        }
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException(source + ": the top level is not a mapping");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) value;
        return new YacsConfig(m, source);
    }

    /**
     * @param dotted key such as {@code MODEL.ATSS.NMS_TH}
     * @return the raw value (string, list or map) or {@code null} if absent
     */
    public Object get(String dotted) {
        Object cur = root;
        for (String part : dotted.split("\\.")) {
            if (!(cur instanceof Map<?, ?> m) || !m.containsKey(part)) {
                return null;
            }
            cur = m.get(part);
        }
        return cur;
    }

    /**
     * @param dotted key
     * @param fallback value if absent
     * @return the string value
     */
    public String string(String dotted, String fallback) {
        Object v = get(dotted);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException(source + ": " + dotted + " is not a scalar: " + v);
        }
        return s;
    }

    /**
     * @param dotted key
     * @param fallback value if absent
     * @return the integer value
     */
    public int integer(String dotted, int fallback) {
        String s = string(dotted, null);
        if (s == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ": " + dotted + " = " + s + " is not an integer", e);
        }
    }

    /**
     * @param dotted key
     * @param fallback value if absent
     * @return the number value
     */
    public double number(String dotted, double fallback) {
        String s = string(dotted, null);
        if (s == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ": " + dotted + " = " + s + " is not a number", e);
        }
    }

    /**
     * @param dotted key
     * @param fallback value if absent
     * @return the boolean value ({@code True}/{@code False}/{@code true}/{@code false})
     */
    public boolean bool(String dotted, boolean fallback) {
        String s = string(dotted, null);
        if (s == null) {
            return fallback;
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(source + ": " + dotted + " = " + s + " is not a boolean");
        };
    }

    /**
     * @param dotted key of a list of integers
     * @param fallback value if absent
     * @return the integers
     */
    public int[] integers(String dotted, int[] fallback) {
        Object v = get(dotted);
        if (v == null) {
            return fallback;
        }
        List<?> list = v instanceof List<?> l ? l : v instanceof String s ? tuple(s) : null;
        if (list == null) {
            throw new IllegalArgumentException(source + ": " + dotted + " is not a list: " + v);
        }
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = Integer.parseInt(String.valueOf(list.get(i)).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(source + ": " + dotted + " holds a non-integer: " + list.get(i), e);
            }
        }
        return out;
    }

    private static List<String> tuple(String s) {
        String t = s.trim();
        if (!(t.startsWith("(") && t.endsWith(")"))) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String part : t.substring(1, t.length() - 1).split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    private static String stripComment(String s) {
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' && !dbl) {
                single = !single;
            } else if (c == '"' && !single) {
                dbl = !dbl;
            } else if (c == '#' && !single && !dbl && (i == 0 || s.charAt(i - 1) == ' ')) {
                return s.substring(0, i);
            }
        }
        return s;
    }

    private record Line(int number, int indent, String text) {}

    /** Recursive-descent parser over indented lines. */
    private static final class Parser {
        private final List<Line> lines;
        private final String source;
        private final Map<String, Object> anchors = new HashMap<>();
        private int pos;

        Parser(List<Line> lines, String source) {
            this.lines = lines;
            this.source = source;
        }

        IllegalArgumentException error(Line l, String msg) {
            return new IllegalArgumentException(source + ":" + l.number + ": " + msg + ": " + l.text);
        }

        Object block(int indent) {
            Line first = lines.get(pos);
            return first.text.startsWith("- ") || first.text.equals("-") ? sequence(indent) : mapping(indent);
        }

        Map<String, Object> mapping(int indent) {
            Map<String, Object> m = new LinkedHashMap<>();
            while (pos < lines.size() && lines.get(pos).indent == indent) {
                Line l = lines.get(pos);
                int colon = keyColon(l.text);
                if (colon < 0) {
                    throw error(l, "expected 'key: value'");
                }
                String key = unquote(l.text.substring(0, colon).trim());
                String rest = l.text.substring(colon + 1).trim();
                pos++;
                m.put(key, rest.isEmpty() ? nested(indent, l) : scalarOrAnchored(rest, indent, l));
            }
            if (pos < lines.size() && lines.get(pos).indent > indent) {
                throw error(lines.get(pos), "unexpected indentation");
            }
            return m;
        }

        private Object nested(int indent, Line owner) {
            if (pos < lines.size()) {
                Line next = lines.get(pos);
                if (next.indent > indent) {
                    return block(next.indent);
                }
                // yacs dumps sequences under a key at the key's own indentation
                if (next.indent == indent && (next.text.startsWith("- ") || next.text.equals("-"))) {
                    return sequence(indent);
                }
            }
            return "";
        }

        List<Object> sequence(int indent) {
            List<Object> list = new ArrayList<>();
            while (pos < lines.size() && lines.get(pos).indent == indent
                    && (lines.get(pos).text.startsWith("- ") || lines.get(pos).text.equals("-"))) {
                Line l = lines.get(pos);
                String rest = l.text.length() > 1 ? l.text.substring(2).trim() : "";
                pos++;
                if (rest.isEmpty()) {
                    list.add(nested(indent, l));
                } else if (rest.startsWith("- ")) {
                    // "- - 0": an inline nested sequence whose further items are indented by 2
                    List<Object> inner = new ArrayList<>();
                    inner.add(scalar(rest.substring(2).trim(), l));
                    if (pos < lines.size() && lines.get(pos).indent == indent + 2) {
                        inner.addAll(sequence(indent + 2));
                    }
                    list.add(inner);
                } else if (rest.startsWith("&") && !rest.contains(" ")) {
                    Object v = pos < lines.size() && lines.get(pos).indent > indent ? block(lines.get(pos).indent) : "";
                    anchors.put(rest.substring(1), v);
                    list.add(v);
                } else {
                    list.add(scalarOrAnchored(rest, indent, l));
                }
            }
            return list;
        }

        private Object scalarOrAnchored(String rest, int indent, Line l) {
            if (rest.startsWith("*")) {
                Object v = anchors.get(rest.substring(1));
                if (v == null) {
                    throw error(l, "unknown alias");
                }
                return v;
            }
            if (rest.startsWith("&")) {
                int sp = rest.indexOf(' ');
                String name = sp < 0 ? rest.substring(1) : rest.substring(1, sp);
                Object v = sp < 0 ? nested(indent, l) : scalar(rest.substring(sp + 1).trim(), l);
                anchors.put(name, v);
                return v;
            }
            return scalar(rest, l);
        }

        private Object scalar(String s, Line l) {
            if (s.equals("{}")) {
                return new LinkedHashMap<String, Object>();
            }
            if (s.startsWith("[")) {
                if (!s.endsWith("]")) {
                    throw error(l, "multi-line flow lists are not supported");
                }
                List<Object> out = new ArrayList<>();
                String inner = s.substring(1, s.length() - 1).trim();
                if (!inner.isEmpty()) {
                    for (String part : inner.split(",")) {
                        out.add(unquote(part.trim()));
                    }
                }
                return out;
            }
            if (s.startsWith("{")) {
                throw error(l, "flow mappings are not supported");
            }
            return unquote(s);
        }

        private static int keyColon(String text) {
            boolean single = false;
            boolean dbl = false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\'' && !dbl) {
                    single = !single;
                } else if (c == '"' && !single) {
                    dbl = !dbl;
                } else if (c == ':' && !single && !dbl && (i + 1 == text.length() || text.charAt(i + 1) == ' ')) {
                    return i;
                }
            }
            return -1;
        }

        private static String unquote(String s) {
            if (s.length() >= 2 && ((s.startsWith("'") && s.endsWith("'")) || (s.startsWith("\"") && s.endsWith("\"")))) {
                String body = s.substring(1, s.length() - 1);
                return s.startsWith("'") ? body.replace("''", "'") : body.replace("\\\"", "\"").replace("\\\\", "\\");
            }
            return s;
        }
    }
}
