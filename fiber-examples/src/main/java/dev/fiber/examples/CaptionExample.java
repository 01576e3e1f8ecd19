package dev.fiber.examples;

import dev.fiber.tasks.caption.FiberCaptioner;
import java.nio.file.Path;

/**
 * Image captioning (official beam search, cached decoding). Usage:
 * {@code CaptionExample CHECKPOINT IMAGE...} (checkpoint: path, URL or {@code fiber-coco-caption}).
 */
public final class CaptionExample {

    private CaptionExample() {}

    /**
     * @param args checkpoint, then images
     * @throws Exception on any failure
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: CaptionExample CHECKPOINT IMAGE...");
            System.exit(2);
        }
        try (FiberCaptioner captioner = FiberCaptioner.load(args[0])) {
            for (int i = 1; i < args.length; i++) {
                System.out.println(args[i] + ": " + captioner.caption(Path.of(args[i])).text().strip());
            }
        }
    }
}
