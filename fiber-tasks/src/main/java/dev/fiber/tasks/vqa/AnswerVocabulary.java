package dev.fiber.tasks.vqa;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The VQA answer vocabulary: class index to answer string and back. Class {@code i} of FIBER's VQA head
 * ({@code vqa_classifier}, 3129 outputs for VQAv2) means answer {@code answer(i)}.
 *
 * <p>On disk it is a UTF-8 text file with one answer per line, line index = class index, {@code '\n'}
 * line ends (the file written by {@code fiber vqa-vocab}, see {@link VqaVocabularyBuilder}). Lines are
 * taken verbatim: no trimming, and an empty line is the empty answer (class 125 of the official list).
 * The mirror of the official {@code label2ans} list that FIBER's {@code utils/write_vqa.py} builds.
 */
public final class AnswerVocabulary {

    /** Number of classes of the official VQAv2 vocabulary ({@code vqav2_label_size} in FIBER's config). */
    public static final int OFFICIAL_VQAV2_SIZE = 3129;

    private final List<String> answers;
    private final Map<String, Integer> index;

    private AnswerVocabulary(List<String> answers) {
        if (answers.isEmpty()) {
            throw new IllegalArgumentException("an answer vocabulary needs at least one answer");
        }
        Map<String, Integer> map = new HashMap<>(answers.size() * 2);
        for (int i = 0; i < answers.size(); i++) {
            String a = Objects.requireNonNull(answers.get(i), () -> "answer is null");
            if (a.indexOf('\n') >= 0 || a.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("answer " + i + " contains a line break: "
                        + a.replace("\r", "\\r").replace("\n", "\\n"));
            }
            Integer previous = map.putIfAbsent(a, i);
            if (previous != null) {
                throw new IllegalArgumentException("answer \"" + a + "\" appears twice, as classes " + previous
                        + " and " + i);
            }
        }
        this.answers = Collections.unmodifiableList(new ArrayList<>(answers));
        this.index = map;
    }

    /**
     * @param answers the answers in class order (distinct, no line breaks; the empty string is allowed)
     * @return the vocabulary
     * @throws IllegalArgumentException if the list is empty, has duplicates or an answer with a line break
     */
    public static AnswerVocabulary of(List<String> answers) {
        return new AnswerVocabulary(answers);
    }

    /**
     * Reads a vocabulary file (one answer per line, UTF-8).
     *
     * @param file the file
     * @return the vocabulary
     * @throws IOException if the file is missing, not UTF-8, uses CRLF line ends, is empty or has duplicates
     */
    public static AnswerVocabulary read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "answer vocabulary file not found");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": answer vocabulary is not valid UTF-8", e);
        }
        if (text.isEmpty()) {
            throw new IOException(file + ": answer vocabulary file is empty");
        }
        if (text.indexOf('\r') >= 0) {
            throw new IOException(file + ": answer vocabulary has CR characters (CRLF line ends?); "
                    + "expected one answer per '\\n'-terminated line");
        }
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (text.endsWith("\n")) {
            lines.remove(lines.size() - 1);
        }
        try {
            return new AnswerVocabulary(lines);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes the vocabulary as one answer per {@code '\n'}-terminated line (UTF-8).
     *
     * @param file the file (parent directories are created)
     * @throws IOException on write failure
     */
    public void write(Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String a : answers) {
            sb.append(a).append('\n');
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }

    /** @return the number of classes */
    public int size() {
        return answers.size();
    }

    /**
     * @param classIndex a class index
     * @return the answer of that class
     * @throws IndexOutOfBoundsException with the vocabulary size if the index is out of range
     */
    public String answer(int classIndex) {
        if (classIndex < 0 || classIndex >= answers.size()) {
            throw new IndexOutOfBoundsException("answer class " + classIndex + " is outside the vocabulary of "
                    + answers.size() + " answers");
        }
        return answers.get(classIndex);
    }

    /**
     * @param answer an answer string, compared verbatim (normalise it first with
     *               {@link VqaAnswerNormalizer#normalize} if it is raw text)
     * @return its class index, or -1 if it is not in the vocabulary
     */
    public int indexOf(String answer) {
        Integer i = index.get(answer);
        return i == null ? -1 : i;
    }

    /**
     * @param answer an answer string, compared verbatim
     * @return whether it is a class of this vocabulary
     */
    public boolean contains(String answer) {
        return index.containsKey(answer);
    }

    /** @return all answers in class order (read-only) */
    public List<String> answers() {
        return answers;
    }

    /**
     * Spot checks that a correct rebuild of the official VQAv2 list passes (see docs/VQA_VOCAB.md): 3129
     * answers; classes 0..3 = {@code net, pitcher, orange, yes}; 124 = {@code car}; 125 = the empty answer;
     * 126 = {@code cargo}. A list rebuilt from other annotation files, in another order or with another
     * normalisation fails it, and the official VQA checkpoint's outputs would then be mislabelled.
     *
     * @return whether this vocabulary looks like the official 3129-answer VQAv2 list
     */
    public boolean looksLikeOfficialVqav2() {
        return answers.size() == OFFICIAL_VQAV2_SIZE
                && answers.get(0).equals("net")
                && answers.get(1).equals("pitcher")
                && answers.get(2).equals("orange")
                && answers.get(3).equals("yes")
                && answers.get(124).equals("car")
                && answers.get(125).isEmpty()
                && answers.get(126).equals("cargo");
    }

    @Override
    public String toString() {
        return "AnswerVocabulary[" + answers.size() + " answers]";
    }
}
