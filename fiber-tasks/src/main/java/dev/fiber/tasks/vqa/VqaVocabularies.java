package dev.fiber.tasks.vqa;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the answer vocabulary of a VQA checkpoint. The official checkpoint stores only class indices
 * (the list is rebuilt from the VQAv2 annotations, see {@code docs/VQA_VOCAB.md}), so it is either
 * given explicitly or looked up next to the checkpoint as {@code <checkpoint name>.answers.txt},
 * {@code vqav2_answers.txt} or {@code answers.txt} (the file of an exported model folder).
 */
public final class VqaVocabularies {

    /** File name looked up in the checkpoint's folder. */
    public static final String DEFAULT_FILE_NAME = "vqav2_answers.txt";

    /** File name of the vocabulary in an exported model folder ({@code model.safetensors} + {@code answers.txt}). */
    public static final String FOLDER_FILE_NAME = "answers.txt";

    private VqaVocabularies() {}

    /**
     * @param explicit a vocabulary file given by the user, or {@code null}
     * @param checkpoint the checkpoint file, or {@code null}
     * @param classes number of outputs of the model's {@code vqa_classifier}
     * @return the vocabulary
     * @throws IOException if no vocabulary is found ({@link java.io.FileNotFoundException}; the message says how to
     *     build one), it cannot be
     *     read, or its size differs from the classifier's
     */
    public static AnswerVocabulary find(Path explicit, Path checkpoint, int classes) throws IOException {
        Path file = explicit;
        List<Path> tried = new ArrayList<>();
        if (file == null && checkpoint != null) {
            Path dir = checkpoint.toAbsolutePath().getParent();
            String name = checkpoint.getFileName().toString();
            int dot = name.lastIndexOf('.');
            String stem = dot > 0 ? name.substring(0, dot) : name;
            for (Path p : new Path[] {dir.resolve(stem + ".answers.txt"), dir.resolve(DEFAULT_FILE_NAME), dir.resolve(FOLDER_FILE_NAME)}) {
                tried.add(p);
                if (Files.isRegularFile(p)) {
                    file = p;
                    break;
                }
            }
        }
        if (file == null) {
            throw new java.io.FileNotFoundException("no VQA answer vocabulary" + (tried.isEmpty() ? "" : " (looked for " + tried + ")")
                    + ". " + missingMessage(classes));
        }
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "answer vocabulary file not found. " + missingMessage(classes));
        }
        AnswerVocabulary v = AnswerVocabulary.read(file);
        if (v.size() != classes) {
            throw new IOException(file + " has " + v.size() + " answers but the checkpoint's vqa_classifier has " + classes
                    + " outputs; it is not this checkpoint's vocabulary (rebuild it with `./fiber vqa-vocab`, docs/VQA_VOCAB.md)");
        }
        return v;
    }

    /**
     * @param classes number of classifier outputs
     * @return how to obtain the vocabulary
     */
    public static String missingMessage(int classes) {
        return "FIBER's VQA checkpoint stores only the " + classes + " answer class indices, not the answers. Rebuild the official "
                + "answer list from the VQAv2 annotations with `./fiber vqa-vocab --train v2_mscoco_train2014_annotations.json "
                + "--val v2_mscoco_val2014_annotations.json --out " + DEFAULT_FILE_NAME + "` (see docs/VQA_VOCAB.md), then pass it "
                + "with --vocab (CLI) / the \"vocabulary\" argument (DJL), or put it next to the checkpoint as " + DEFAULT_FILE_NAME + ".";
    }
}
