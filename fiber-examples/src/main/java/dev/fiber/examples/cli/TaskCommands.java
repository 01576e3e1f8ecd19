package dev.fiber.examples.cli;

import ai.djl.translate.TranslateException;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.fiber.core.image.ImageDecoder;
import dev.fiber.core.image.RgbImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Shared plumbing of the task commands: expected failures (missing or unreadable files, a checkpoint
 * of the wrong kind, empty text, a missing VQA vocabulary) become one line on stderr and exit code 1
 * instead of a stack trace; JSON printing.
 */
final class TaskCommands {

    /** Pretty JSON without HTML escaping. */
    static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeSpecialFloatingPointValues().create();

    private TaskCommands() {}

    /**
     * Runs a command body and reports expected failures briefly.
     *
     * @param spec the command (for its name and error stream)
     * @param body the work, returning the exit code
     * @return the exit code (1 on an expected failure)
     * @throws Exception unexpected failures (picocli prints them with their stack trace)
     */
    static int run(CommandSpec spec, Callable<Integer> body) throws Exception {
        try {
            return body.call();
        } catch (IOException | IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            return fail(spec, e);
        } catch (TranslateException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            return fail(spec, c);
        }
    }

    private static int fail(CommandSpec spec, Throwable e) {
        PrintWriter err = spec.commandLine().getErr();
        String msg = e.getMessage();
        if (e instanceof NoSuchFileException n) {
            msg = n.getFile() + (n.getOtherFile() != null ? " (or " + n.getOtherFile() + ")" : "") + ": "
                    + (n.getReason() != null ? n.getReason() : "no such file");
        } else if (msg == null) {
            msg = e.getClass().getSimpleName();
        }
        err.println("fiber " + spec.qualifiedName(" ").replaceFirst("^fiber ", "") + ": error: " + msg);
        err.flush();
        return 1;
    }

    /**
     * @param file an image file
     * @return its pixels
     * @throws IOException if missing or not decodable (message names the file)
     */
    static RgbImage image(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "image file not found");
        }
        return ImageDecoder.read(file);
    }

    /**
     * @param spec the command
     * @param value an object to print as JSON on stdout
     */
    static void printJson(CommandSpec spec, Object value) {
        PrintWriter out = spec.commandLine().getOut();
        out.println(GSON.toJson(value));
        out.flush();
    }
}
