package dev.fiber.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fiber.tasks.shapes.ShapesConfig;
import dev.fiber.tasks.shapes.ShapesDataset;
import dev.fiber.tasks.shapes.ShapesExport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code fiber finetune}, {@code fiber shapes-train}, {@code fiber shapes-eval} end to end on tiny inputs:
 * VQA fine-tuning of the tiny reference checkpoint on an exported shapes set, a few steps of the
 * shapes proof with export, and the evaluation of the exported model; plus argument errors.
 */
class FinetuneCommandTest {

    @TempDir
    Path tmp;

    private static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cli = new CommandLine(new FiberCli());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    private static Path root() {
        return Path.of(System.getProperty("fiber.root", "..")).toAbsolutePath();
    }

    @Test
    void finetunesTheTinyCheckpointOnAShapesVqaExportAndResumes() throws Exception {
        Path data = tmp.resolve("shapes");
        ShapesExport.write(ShapesDataset.generate(3, 8, ShapesConfig.DEFAULT), data, "train");
        Path cfg = tmp.resolve("vqa.json");
        String json = """
                {
                  "checkpoint": "%s",
                  "output_dir": "runs/vqa",
                  "max_text_len": 16,
                  "batch_size": 4,
                  "per_gpu_batchsize": 2,
                  "max_epoch": 1,
                  "learning_rate": 1e-4,
                  "num_workers": 1,
                  "train_transform": "albef",
                  "data": {
                    "images": "shapes",
                    "train": [{"questions": "shapes/questions.json", "annotations": "shapes/annotations.json"}],
                    "val": [{"questions": "shapes/questions.json", "annotations": "shapes/annotations.json"}],
                    "answers": "shapes/answers.txt"
                  }
                }
                """.formatted(root().resolve("src-test-data/coarse/tiny.ckpt").toString().replace("\\", "/"));
        Files.writeString(cfg, json, StandardCharsets.UTF_8);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(out, err, "finetune", "vqa", "--config", cfg.toString(), "--threads", "1", "--progress", "OFF");
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("vqa: 2 optimizer steps, 8 samples"), out.toString());
        assertTrue(out.toString().contains("vqa_score"), out.toString());
        Path runDir = tmp.resolve("runs/vqa");
        for (String f : new String[] {"final/model.safetensors", "final/config.json", "final/answers.txt", "last/trainer.json",
            "last/optimizer.safetensors"}) {
            assertTrue(Files.isRegularFile(runDir.resolve(f)), f);
        }
        // a second run finds the finished checkpoint and does not train again
        StringWriter out2 = new StringWriter();
        assertEquals(0, run(out2, new StringWriter(), "finetune", "vqa", "--config", cfg.toString(), "--threads", "1", "--progress", "OFF"));
        assertTrue(out2.toString().contains("vqa: 2 optimizer steps, 8 samples"), out2.toString());
    }

    @Test
    void shapesTrainExportsAModelThatShapesEvalScores() {
        Path model = tmp.resolve("model");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(out, err, "shapes-train", "--minutes", "5", "--steps", "2", "--batch", "4", "--questions-per-image", "2", "--embed-dim", "8", "--text-hidden", "16",
                "--hidden", "16", "--eval-count", "8", "--eval-every", "1", "--export", model.toString(), "--curve",
                tmp.resolve("curve.csv").toString(), "--progress", "OFF");
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("2 steps, 8 samples"), out.toString());
        assertTrue(Files.isRegularFile(model.resolve("model.safetensors")));
        assertTrue(Files.isRegularFile(model.resolve("answers.txt")));
        assertTrue(Files.isRegularFile(model.resolve("shapes.json")));
        StringWriter eout = new StringWriter();
        StringWriter eerr = new StringWriter();
        assertEquals(0, run(eout, eerr, "shapes-eval", "--seed", "77", "--count", "10", "--checkpoint",
                model.resolve("model.safetensors").toString()), eerr.toString());
        assertTrue(eout.toString().contains("accuracy_color"), eout.toString());
    }

    @Test
    void rejectsBadArguments() throws Exception {
        StringWriter err = new StringWriter();
        assertNotEquals(0, run(new StringWriter(), err, "finetune", "pretrain", "--config", "x.json"));
        assertTrue(err.toString().contains("TASK must be one of"), err.toString());
        Path cfg = tmp.resolve("bad.json");
        Files.writeString(cfg, "{\"checkpoint\": \"a.ckpt\", \"output_dir\": \"o\", \"learning_rat\": 1e-4}");
        StringWriter err2 = new StringWriter();
        assertNotEquals(0, run(new StringWriter(), err2, "finetune", "vqa", "--config", cfg.toString()));
        assertTrue(err2.toString().contains("unknown configuration key(s) [learning_rat]"), err2.toString());
        StringWriter err3 = new StringWriter();
        assertNotEquals(0, run(new StringWriter(), err3, "shapes-eval", "--seed", "1", "--count", "5", "--checkpoint",
                tmp.resolve("none.safetensors").toString()));
        assertTrue(err3.toString().contains("no model at"), err3.toString());
    }
}
