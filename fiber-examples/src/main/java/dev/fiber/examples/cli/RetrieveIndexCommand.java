package dev.fiber.examples.cli;

import dev.fiber.core.image.ImageDecoder;
import dev.fiber.core.image.RgbImage;
import dev.fiber.core.util.ProgressBar;
import dev.fiber.tasks.retrieval.EmbeddingIndex;
import dev.fiber.tasks.retrieval.FiberRetrieval;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fiber retrieve index}: embed images or texts into an {@link EmbeddingIndex}. */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = {"Embed every image of a folder (recursively: jpg, jpeg, png, bmp, gif) or every line of a text file",
            "with FIBER's ITC encoder into an index (safetensors) plus <index>.items.json (row -> image path / text).",
            "Example: fiber retrieve index -m fiber-coco-retrieval-itc --images photos/ --out photos.index"})
public final class RetrieveIndexCommand implements Callable<Integer> {

    @Mixin
    TaskOptions options;

    @Spec
    CommandSpec spec;

    static final class Source {
        @Option(names = "--images", required = true, paramLabel = "DIR", description = "folder of images to index")
        Path images;

        @Option(names = "--texts", required = true, paramLabel = "FILE", description = "UTF-8 file, one text per line, to index")
        Path texts;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "index file to write")
    Path out;

    @Option(names = "--batch-size", defaultValue = "0", paramLabel = "N",
            description = "items per forward pass (default: 4 images, 64 texts)")
    int batchSize;

    @Override
    public Integer call() throws Exception {
        return TaskCommands.run(spec, () -> {
            if (batchSize < 0) {
                throw new IllegalArgumentException("--batch-size must be >= 1 (or 0 for the default)");
            }
            int batch = batchSize > 0 ? batchSize : source.images != null ? 4 : 64;
            List<String> items = source.images != null ? listImages(source.images) : listTexts(source.texts);
            FiberRetrieval.Builder b = FiberRetrieval.builder(options.checkpoint()).optDevice(options.device());
            if (options.resolutionOrNull() != null) {
                b.optImageSize(options.resolution);
            }
            EmbeddingIndex index = null;
            try (FiberRetrieval r = b.build();
                 ProgressBar bar = ProgressBar.items("indexing", items.size(), source.images != null ? "images" : "texts")) {
                for (int s = 0; s < items.size(); s += batch) {
                    List<String> chunk = items.subList(s, Math.min(items.size(), s + batch));
                    List<float[]> e;
                    if (source.images != null) {
                        List<RgbImage> imgs = new ArrayList<>();
                        for (String p : chunk) {
                            imgs.add(ImageDecoder.read(Path.of(p)));
                        }
                        e = r.embedImages(imgs);
                    } else {
                        e = r.embedTexts(chunk);
                    }
                    if (index == null) {
                        index = new EmbeddingIndex(e.get(0).length);
                    }
                    for (int i = 0; i < e.size(); i++) {
                        index.addNormalized(s + i, e.get(i));
                    }
                    bar.add(chunk.size());
                }
            }
            index.save(out);
            new RetrievalItems(source.images != null ? "image" : "text", options.checkpoint(), options.resolution, items).write(out);
            spec.commandLine().getOut().printf("indexed %d %s into %s (+ %s)%n", items.size(), source.images != null ? "images" : "texts",
                    out, RetrievalItems.sidecar(out).getFileName());
            spec.commandLine().getOut().flush();
            return 0;
        });
    }

    static List<String> listImages(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "image folder not found");
        }
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png") || n.endsWith(".bmp") || n.endsWith(".gif");
            }).sorted().forEach(p -> out.add(p.toAbsolutePath().toString()));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no images (jpg, jpeg, png, bmp, gif) in " + dir);
        }
        return out;
    }

    static List<String> listTexts(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "text file not found");
        }
        List<String> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + " is empty (one non-empty text per line)");
            }
            out.add(lines.get(i));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + " has no texts");
        }
        return out;
    }
}
