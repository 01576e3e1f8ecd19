package dev.fiber.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code fiber} command-line interface: one sub-command per job. Run {@code ./fiber --help}
 * for the list and {@code ./fiber COMMAND --help} for each command's options.
 */
@Command(
        name = "fiber",
        mixinStandardHelpOptions = true,
        version = "fiber 0.1.0-SNAPSHOT",
        description = "FIBER (Fusion-In-the-Backbone transformER) vision-language models on the JVM.",
        subcommands = {
            CommandLine.HelpCommand.class,
            InspectCommand.class,
            VqaVocabCommand.class,
            ModelsCommand.class,
            IndexBenchCommand.class,
            ShapesGenerateCommand.class,
            GroundCommand.class,
            DetectCommand.class,
            ParityCommand.class,
            BenchCommand.class,
            VqaCommand.class,
            CaptionCommand.class,
            RetrieveCommand.class,
            ItmCommand.class,
            Nlvr2Command.class,
            BenchTasksCommand.class,
            BenchGroundingCommand.class,
            GroundEvalCommand.class,
            DetectEvalCommand.class,
            FinetuneCommand.class,
            ShapesTrainCommand.class,
            ShapesEvalCommand.class,
        })
public final class FiberCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * Entry point.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        int code = new CommandLine(new FiberCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.exit(code);
    }
}
