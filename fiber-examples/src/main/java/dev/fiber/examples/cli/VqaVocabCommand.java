package dev.fiber.examples.cli;

import dev.fiber.tasks.vqa.AnswerVocabulary;
import dev.fiber.tasks.vqa.VqaVocabularyBuilder;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fiber vqa-vocab}: rebuilds the VQAv2 answer vocabulary (FIBER's {@code utils/write_vqa.py}
 * procedure) from the official annotation files and writes it one answer per line.
 */
@Command(
        name = "vqa-vocab",
        mixinStandardHelpOptions = true,
        description = {
            "Rebuild the VQA answer vocabulary (class index -> answer) exactly as FIBER's write_vqa.py does:",
            "normalise every multiple_choice_answer of the train then the val annotations, keep those seen",
            "at least 9 times, in first-appearance order. Output: one answer per line, line index = class.",
            "See docs/VQA_VOCAB.md."
        })
public final class VqaVocabCommand implements Callable<Integer> {

    @Option(names = "--train", required = true, paramLabel = "ANNOT",
            description = "train annotations, e.g. v2_mscoco_train2014_annotations.json")
    Path train;

    @Option(names = "--val", required = true, paramLabel = "ANNOT",
            description = "val annotations, e.g. v2_mscoco_val2014_annotations.json")
    Path val;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "vocabulary file to write")
    Path out;

    @Option(names = "--min-count", defaultValue = "" + VqaVocabularyBuilder.OFFICIAL_MIN_COUNT,
            description = "keep answers seen at least this many times (official: ${DEFAULT-VALUE})")
    int minCount;

    @Override
    public Integer call() throws Exception {
        VqaVocabularyBuilder builder = new VqaVocabularyBuilder();
        long nTrain = builder.addFile(train);
        long nVal = builder.addFile(val);
        AnswerVocabulary vocab = builder.build(minCount);
        vocab.write(out);
        System.out.printf("read %d train + %d val annotations, %d distinct normalised answers%n",
                nTrain, nVal, builder.distinctAnswerCount());
        System.out.printf("wrote %d answers (seen >= %d times) to %s%n", vocab.size(), minCount, out);
        if (vocab.looksLikeOfficialVqav2()) {
            System.out.println("matches the official VQAv2 list spot checks (3129 answers; 0-3 net, pitcher, "
                    + "orange, yes; 124 car; 125 empty; 126 cargo)");
        } else {
            System.out.println("note: does NOT pass the official VQAv2 spot checks (expected for other "
                    + "annotation files; with the official ones, check the inputs: see docs/VQA_VOCAB.md)");
        }
        return 0;
    }
}
