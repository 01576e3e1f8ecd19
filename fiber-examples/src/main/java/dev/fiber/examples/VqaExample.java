package dev.fiber.examples;

import dev.fiber.tasks.vqa.FiberVqa;
import dev.fiber.tasks.vqa.VqaAnswer;
import dev.fiber.tasks.vqa.VqaPrediction;
import java.nio.file.Path;

/**
 * Visual question answering in a few lines. Usage:
 * {@code VqaExample CHECKPOINT VOCABULARY IMAGE QUESTION} (checkpoint: path, URL or {@code fiber-vqa};
 * vocabulary: the answer list from {@code fiber vqa-vocab}, see docs/VQA_VOCAB.md).
 */
public final class VqaExample {

    private VqaExample() {}

    /**
     * @param args checkpoint, vocabulary, image, question
     * @throws Exception on any failure
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: VqaExample CHECKPOINT VOCABULARY IMAGE QUESTION");
            System.exit(2);
        }
        try (FiberVqa vqa = FiberVqa.builder(args[0]).optVocabulary(Path.of(args[1])).build()) {
            VqaPrediction p = vqa.answer(Path.of(args[2]), args[3]);
            for (VqaAnswer a : p.answers()) {
                System.out.printf("%-20s %.3f%n", a.answer(), a.probability());
            }
        }
    }
}
