package dev.fiber.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fiber retrieve}: image-text retrieval (index, search, eval). */
@Command(name = "retrieve", mixinStandardHelpOptions = true,
        description = {"Image-text retrieval with coarse FIBER: ITC embeddings for search, ITM for re-ranking.",
            "  index   embed a folder of images or a file of texts into an index",
            "  search  query an index with a text or an image (optionally ITM re-ranking the top K)",
            "  eval    recall@1/5/10 (IR and TR) on a Karpathy split (COCO, Flickr30k)"},
        subcommands = {RetrieveIndexCommand.class, RetrieveSearchCommand.class, RetrieveEvalCommand.class})
public final class RetrieveCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
