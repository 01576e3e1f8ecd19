package dev.fiber.tasks.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.translate.TranslateException;
import dev.fiber.core.hub.CheckpointResolver;
import dev.fiber.core.image.ImageDecoder;
import dev.fiber.core.image.RgbImage;
import dev.fiber.tasks.caption.FiberCaptioner;
import dev.fiber.tasks.nlvr2.FiberNlvr2;
import dev.fiber.tasks.retrieval.FiberRetrieval;
import dev.fiber.tasks.retrieval.ItmQuery;
import dev.fiber.tasks.vqa.FiberVqa;
import dev.fiber.tasks.vqa.VqaQuery;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clear, specific errors for the mistakes users make with the task APIs. */
class TaskErrorsTest {

    @TempDir
    static Path tmp;
    static Path retrievalOnly;
    static RgbImage a;

    @BeforeAll
    static void setUp() throws Exception {
        retrievalOnly = TinyTasks.retrievalOnlyCheckpoint(tmp);
        a = ImageDecoder.read(TinyTasks.image("a.png"));
    }

    @Test
    void missingCheckpointNamesThePath() {
        IOException e = assertThrows(IOException.class, () -> FiberVqa.load(tmp.resolve("nope.ckpt").toString()));
        System.out.println(e.getMessage());
        assertTrue(e.getMessage().contains("nope.ckpt"), e.getMessage());
    }

    @Test
    void retrievalCheckpointForVqaSaysWhatIsMissing() throws Exception {
        Path vocab = TinyTasks.vocabulary(tmp);
        CheckpointKindException e = assertThrows(CheckpointKindException.class,
                () -> FiberVqa.builder(retrievalOnly.toString()).optVocabulary(vocab).optDevice(Device.cpu()).build());
        System.out.println(e.getMessage());
        assertTrue(e.getMessage().contains("vqa_classifier") && e.getMessage().contains("itm_score"), e.getMessage());
        assertThrows(CheckpointKindException.class, () -> FiberNlvr2.load(retrievalOnly.toString(), 0, Device.cpu()));
        CheckpointKindException c = assertThrows(CheckpointKindException.class,
                () -> FiberCaptioner.builder(retrievalOnly.toString()).optDevice(Device.cpu()).build());
        assertTrue(c.getMessage().contains("cross_modal_att_layers"), c.getMessage());
        // the retrieval task itself works with it
        try (FiberRetrieval r = FiberRetrieval.builder(retrievalOnly.toString()).optDevice(Device.cpu()).build()) {
            assertEquals(48, r.embedText("a dog").length);
            r.itm(a, "a dog");
        }
    }

    @Test
    void knownModelOfAnotherTaskIsRefusedBeforeDownloading() {
        CheckpointResolver resolver = new CheckpointResolver(tmp.resolve("cache"), dev.fiber.core.hub.ModelRegistry.builtin(),
                dev.fiber.core.hub.Downloader.defaults());
        CheckpointKindException e = assertThrows(CheckpointKindException.class,
                () -> TaskCheckpoints.resolve("fiber-coco-retrieval-itm", FiberTask.VQA, resolver));
        System.out.println(e.getMessage());
        assertTrue(e.getMessage().contains("fiber-vqa"), e.getMessage());
        assertThrows(CheckpointKindException.class, () -> TaskCheckpoints.resolve("fiber-refcoco", FiberTask.CAPTION, resolver));
        assertTrue(Files.notExists(tmp.resolve("cache")), "nothing downloaded");
    }

    @Test
    void vqaWithoutVocabularyExplainsHowToGetOne() {
        FileNotFoundException e = assertThrows(FileNotFoundException.class,
                () -> FiberVqa.builder(TinyTasks.checkpoint().toString()).optDevice(Device.cpu()).build());
        System.out.println(e.getMessage());
        assertTrue(e.getMessage().contains("fiber vqa-vocab") && e.getMessage().contains("VQA_VOCAB.md"), e.getMessage());
    }

    @Test
    void vocabularyOfTheWrongSizeIsRefused() throws Exception {
        Path small = tmp.resolve("small.txt");
        Files.write(small, List.of("yes", "no"));
        IOException e = assertThrows(IOException.class,
                () -> FiberVqa.builder(TinyTasks.checkpoint().toString()).optVocabulary(small).optDevice(Device.cpu()).build());
        assertTrue(e.getMessage().contains("2 answers") && e.getMessage().contains("3129"), e.getMessage());
    }

    @Test
    void unreadableImageNamesTheFile() throws Exception {
        Path notImage = tmp.resolve("notes.jpg");
        Files.writeString(notImage, "this is text");
        IOException e = assertThrows(IOException.class, () -> VqaQuery.of(notImage, "what?"));
        assertTrue(e.getMessage().contains("notes.jpg"), e.getMessage());
        IOException m = assertThrows(IOException.class, () -> VqaQuery.of(tmp.resolve("missing.png"), "what?"));
        assertTrue(m.getMessage().contains("missing.png"), m.getMessage());
    }

    @Test
    void emptyTextsAreRefused() throws Exception {
        Path vocab = TinyTasks.vocabulary(tmp);
        try (FiberVqa vqa = FiberVqa.builder(TinyTasks.checkpoint().toString()).optVocabulary(vocab).optDevice(Device.cpu()).build()) {
            TranslateException e = assertThrows(TranslateException.class, () -> vqa.answer(a, "   "));
            assertTrue(String.valueOf(e.getCause()).contains("question is empty"), String.valueOf(e.getCause()));
            assertThrows(TranslateException.class, () -> vqa.answerAll(a, List.of("fine", "")));
        }
        try (FiberRetrieval r = FiberRetrieval.builder(TinyTasks.checkpoint().toString()).optDevice(Device.cpu()).build()) {
            assertThrows(TranslateException.class, () -> r.embedText(""));
            assertThrows(IllegalArgumentException.class, () -> r.itm(new ItmQuery(List.of(a, a), List.of("x", "y", "z")), true));
        }
    }

    @Test
    void badResolutionIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FiberRetrieval.builder(TinyTasks.checkpoint().toString()).optImageSize(100).optDevice(Device.cpu()).build());
        assertTrue(e.getMessage().contains("multiple of 32"), e.getMessage());
    }
}
