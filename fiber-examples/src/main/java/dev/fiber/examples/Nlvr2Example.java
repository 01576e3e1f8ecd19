package dev.fiber.examples;

import dev.fiber.tasks.nlvr2.FiberNlvr2;
import java.nio.file.Path;

/**
 * NLVR2: is a statement about two images true? Usage:
 * {@code Nlvr2Example CHECKPOINT LEFT_IMAGE RIGHT_IMAGE "STATEMENT"} (checkpoint e.g. {@code fiber-nlvr2}).
 */
public final class Nlvr2Example {

    private Nlvr2Example() {}

    /**
     * @param args checkpoint, left image, right image, statement
     * @throws Exception on any failure
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: Nlvr2Example CHECKPOINT LEFT RIGHT STATEMENT");
            System.exit(2);
        }
        try (FiberNlvr2 nlvr2 = FiberNlvr2.load(args[0])) {
            System.out.println(nlvr2.judge(Path.of(args[1]), Path.of(args[2]), args[3]));
        }
    }
}
