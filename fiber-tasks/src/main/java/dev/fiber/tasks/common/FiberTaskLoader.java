package dev.fiber.tasks.common;

import ai.djl.Application;
import ai.djl.MalformedModelException;
import ai.djl.repository.MRL;
import ai.djl.repository.Repository;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelLoader;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Progress;
import dev.fiber.core.hub.CheckpointResolver;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The DJL {@link ModelLoader} of one {@link FiberTask} in {@link FiberModelZoo}: resolves the
 * {@code checkpoint} argument ({@link TaskCheckpoints}), loads it into a {@link FiberTaskModel} on the
 * criteria's device and builds the translator for the criteria's input/output types with the
 * criteria's {@code TranslatorFactory}, or the task's own.
 *
 * <p>Arguments ({@code Criteria.optArgument}): {@code checkpoint} (required: path, URL or model name),
 * {@code imageSize} (resolution; default: the official evaluation resolution of a named model, else
 * the checkpoint's), {@code strict} (default true), plus the task translator's own arguments.
 */
final class FiberTaskLoader implements ModelLoader {

    private final FiberTask task;
    private MRL mrl;

    FiberTaskLoader(FiberTask task) {
        this.task = task;
    }

    @Override
    public String getGroupId() {
        return FiberModelZoo.GROUP_ID;
    }

    @Override
    public String getArtifactId() {
        return task.artifactId();
    }

    @Override
    public Application getApplication() {
        return task.application();
    }

    @Override
    public synchronized MRL getMrl() {
        if (mrl == null) {
            Repository repo = Repository.newInstance("fiber", CheckpointResolver.defaultCacheDir());
            mrl = MRL.model(repo, task.application(), FiberModelZoo.GROUP_ID, task.artifactId(), "0.1.0", task.artifactId());
        }
        return mrl;
    }

    @Override
    public <I, O> ZooModel<I, O> loadModel(Criteria<I, O> criteria) throws IOException, ModelNotFoundException, MalformedModelException {
        Class<I> in = criteria.getInputClass();
        Class<O> out = criteria.getOutputClass();
        TranslatorFactory factory = criteria.getTranslatorFactory();
        if (factory == null || !factory.isSupported(in, out)) {
            factory = task.translatorFactory();
        }
        if (!factory.isSupported(in, out)) {
            throw new ModelNotFoundException("FIBER " + task.artifactId() + " has no translator from " + in.getName() + " to "
                    + out.getName() + "; supported: " + factory.getSupportedTypes());
        }
        Map<String, Object> args = criteria.getArguments() == null ? new HashMap<>() : new HashMap<>(criteria.getArguments());
        String spec = TaskArguments.stringArg(args, "checkpoint");
        if (spec == null) {
            throw new ModelNotFoundException("FIBER " + task.artifactId()
                    + " needs the argument \"checkpoint\" (a path, an http(s) URL or a model name of `fiber models`), e.g. "
                    + "Criteria.builder()...optArgument(\"checkpoint\", \"" + task.suggestion().split(" ")[0] + "\")");
        }
        Progress progress = criteria.getProgress();
        if (progress != null) {
            progress.reset("Loading FIBER " + task.artifactId(), 2);
        }
        TaskCheckpoints.Resolved ckpt = TaskCheckpoints.resolve(spec, task, CheckpointResolver.defaults());
        int imageSize = TaskArguments.intArg(args, "imageSize", ckpt.imageSize());
        boolean strict = TaskArguments.boolArg(args, "strict", true);
        String name = criteria.getModelName() != null ? criteria.getModelName() : task.artifactId();
        FiberTaskModel model = new FiberTaskModel(name, task, criteria.getDevice());
        try {
            model.load(ckpt.file(), null, Map.of("imageSize", imageSize, "strict", strict));
            if (progress != null) {
                progress.update(1);
            }
            Translator<I, O> translator = factory.newInstance(in, out, model, args);
            return new ZooModel<>(model, translator);
        } catch (TranslateException e) {
            model.close();
            throw new ModelNotFoundException("cannot build the " + task.artifactId() + " translator: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        } finally {
            if (progress != null) {
                progress.end();
            }
        }
    }

    @Override
    public <I, O> boolean isDownloaded(Criteria<I, O> criteria) throws IOException, ModelNotFoundException {
        String spec = TaskArguments.stringArg(criteria.getArguments(), "checkpoint");
        if (spec == null) {
            return false;
        }
        CheckpointResolver r = CheckpointResolver.defaults();
        if (java.nio.file.Files.exists(java.nio.file.Path.of(spec))) {
            return true;
        }
        return r.registry().find(spec).map(r::isCached).orElse(false);
    }

    @Override
    public <I, O> void downloadModel(Criteria<I, O> criteria, Progress progress) throws IOException, ModelNotFoundException {
        String spec = TaskArguments.stringArg(criteria.getArguments(), "checkpoint");
        if (spec == null) {
            throw new ModelNotFoundException("no \"checkpoint\" argument to download");
        }
        TaskCheckpoints.resolve(spec, task, CheckpointResolver.defaults());
    }

    @Override
    public String toString() {
        return "FiberTaskLoader{" + FiberModelZoo.GROUP_ID + ":" + task.artifactId() + "}";
    }
}
