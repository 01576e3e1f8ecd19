package dev.fiber.examples.cli;

import dev.fiber.core.hub.CheckpointResolver;
import dev.fiber.core.hub.Downloader;
import dev.fiber.core.hub.ModelDescriptor;
import dev.fiber.core.hub.ModelRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fiber models}: lists the known official FIBER checkpoints ({@code models/*.json}) and whether each
 * is in the download cache; {@code --fetch NAME|URL|PATH} downloads (or just locates) one.
 */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = {
            "List the official FIBER checkpoints known by name (models/*.json) and whether they are cached.",
            "Any command that takes a checkpoint accepts such a name, a URL or a local path. Cache: -Dfiber.cache,",
            "else $FIBER_CACHE, else ~/.cache/fiber."
        })
public final class ModelsCommand implements Callable<Integer> {

    @Option(names = "--fetch", paramLabel = "NAME|URL|PATH",
            description = "download (once; resumable, SHA-256 checked when known) and print the local path")
    String fetch;

    @Option(names = "--models-dir", paramLabel = "DIR",
            description = "extra descriptor *.json files that add to or override the built-in ones")
    Path modelsDir;

    @Option(names = "--urls", description = "also print each download URL")
    boolean urls;

    @Override
    public Integer call() throws Exception {
        ModelRegistry registry = ModelRegistry.builtin();
        if (modelsDir != null) {
            registry = registry.with(ModelRegistry.fromDirectory(modelsDir));
        }
        CheckpointResolver resolver = new CheckpointResolver(CheckpointResolver.defaultCacheDir(), registry,
                Downloader.defaults());
        if (fetch != null) {
            System.out.println(resolver.resolve(fetch));
            return 0;
        }
        List<ModelDescriptor> list = registry.list();
        System.out.printf("%-28s %-6s %-22s %-10s %-7s %s%n", "NAME", "FAMILY", "TASK", "IMAGE", "CACHED",
                "SHA-256");
        for (ModelDescriptor d : list) {
            String image = d.maxImageSize() == null ? Integer.toString(d.imageSize())
                    : d.imageSize() + "/" + d.maxImageSize();
            System.out.printf("%-28s %-6s %-22s %-10s %-7s %s%n", d.name(), d.family(), d.task(), image,
                    resolver.isCached(d) ? "yes" : "no", d.sha256() == null ? "unknown" : d.sha256().substring(0, 12) + "...");
            if (urls) {
                System.out.println("    " + d.url());
            }
        }
        System.out.println(list.size() + " models; cache " + resolver.cacheDir()
                + "; IMAGE = input side (fine-grained: shorter/longer side caps)");
        return 0;
    }
}
