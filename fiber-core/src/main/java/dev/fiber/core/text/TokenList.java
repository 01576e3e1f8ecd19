package dev.fiber.core.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Growable list of tokens (id, byte-level string, character span) used while a text is
 * being encoded; package-private plumbing between {@link ByteLevelBpe} and {@link FiberTokenizer}.
 */
final class TokenList {

    private int[] ids = new int[32];
    private int[] starts = new int[32];
    private int[] ends = new int[32];
    private final List<String> tokens = new ArrayList<>();
    private int size;

    void add(int id, String token, int start, int end) {
        if (size == ids.length) {
            int n = size * 2;
            ids = Arrays.copyOf(ids, n);
            starts = Arrays.copyOf(starts, n);
            ends = Arrays.copyOf(ends, n);
        }
        ids[size] = id;
        starts[size] = start;
        ends[size] = end;
        tokens.add(token);
        size++;
    }

    int size() {
        return size;
    }

    int id(int i) {
        return ids[i];
    }

    int start(int i) {
        return starts[i];
    }

    int end(int i) {
        return ends[i];
    }

    String token(int i) {
        return tokens.get(i);
    }
}
