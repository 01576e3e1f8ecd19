package dev.fiber.tasks.common;

import java.util.Map;

/**
 * Typed access to the string-or-object argument maps of DJL ({@code Criteria.optArgument},
 * {@code Model.load} options, {@code TranslatorFactory} arguments).
 */
public final class TaskArguments {

    private TaskArguments() {}

    /**
     * @param args arguments (may be null)
     * @param key name
     * @param dflt value when absent
     * @return the integer value
     * @throws IllegalArgumentException if present but not an integer
     */
    public static int intArg(Map<String, ?> args, String key, int dflt) {
        Object v = args == null ? null : args.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            if (n.doubleValue() != Math.rint(n.doubleValue())) {
                throw new IllegalArgumentException("argument " + key + " must be an integer, got " + v);
            }
            return n.intValue();
        }
        try {
            return Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("argument " + key + " must be an integer, got '" + v + "'", e);
        }
    }

    /**
     * @param args arguments (may be null)
     * @param key name
     * @param dflt value when absent
     * @return the boolean value ({@code true}/{@code false}, case-insensitive)
     */
    public static boolean boolArg(Map<String, ?> args, String key, boolean dflt) {
        Object v = args == null ? null : args.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().trim();
        if (s.equalsIgnoreCase("true")) {
            return true;
        }
        if (s.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("argument " + key + " must be true or false, got '" + v + "'");
    }

    /**
     * @param args arguments (may be null)
     * @param key name
     * @return the string value, or {@code null} when absent
     */
    public static String stringArg(Map<String, ?> args, String key) {
        Object v = args == null ? null : args.get(key);
        return v == null ? null : v.toString();
    }
}
