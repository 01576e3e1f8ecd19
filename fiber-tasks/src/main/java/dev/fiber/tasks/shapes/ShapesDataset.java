package dev.fiber.tasks.shapes;

import dev.fiber.core.image.RgbImage;
import dev.fiber.tasks.data.MemoryImageSource;
import dev.fiber.tasks.data.SampleSeeds;
import dev.fiber.tasks.data.VqaQuestion;
import dev.fiber.tasks.vqa.AnswerVocabulary;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.BiPredicate;

/**
 * A procedural VQA data set of coloured shapes, the project's small, self-made proof that VQA
 * fine-tuning learns: every example is a rendered scene of 1-4 shapes ({@link ShapeKind}, in one of
 * six {@link ShapeColor}s, random sizes, positions and slight rotations, never overlapping) on a
 * grey-ish plain or gradient background with Gaussian noise, and one question about it:
 * <ul>
 *   <li>{@link QuestionType#COLOR}: "What color is the circle?" (exactly one circle in the scene);</li>
 *   <li>{@link QuestionType#SHAPE}: "What shape is the red object?" (exactly one red shape);</li>
 *   <li>{@link QuestionType#COUNT}: "How many squares are there?" (0 to 4);</li>
 *   <li>{@link QuestionType#EXISTS}: "Is there a blue triangle?" (yes/no, "no" scenes often contain
 *       a blue non-triangle or a non-blue triangle).</li>
 * </ul>
 * Each question family has three phrasings. Answers come from the fixed 18-word vocabulary
 * {@link #ANSWERS}. Generation is answer-first: the family, then the answer, are drawn uniformly and
 * the scene is built to match, so answers are balanced (the most frequent answer, "yes" or "no", is
 * about 12.5% of all questions).
 *
 * <p>Deterministic: example {@code i} of seed {@code s} depends only on {@code (s, i)}
 * ({@link SampleSeeds#forItem}), so any subset can be regenerated independently.
 */
public final class ShapesDataset {

    /** Most shapes an image can hold (and the largest count answer). */
    public static final int MAX_SHAPES = 4;

    /** The answer vocabulary, class index = position: yes/no, counts, colours, shapes. */
    public static final List<String> ANSWERS;

    static {
        List<String> a = new ArrayList<>(List.of("yes", "no"));
        for (int i = 0; i <= MAX_SHAPES; i++) {
            a.add(Integer.toString(i));
        }
        for (ShapeColor c : ShapeColor.values()) {
            a.add(c.word());
        }
        for (ShapeKind k : ShapeKind.values()) {
            a.add(k.word());
        }
        ANSWERS = List.copyOf(a);
    }

    private static final String[][] TEMPLATES = {
        {"what color is the %s?", "what is the color of the %s?", "which color does the %s have?"},
        {"what shape is the %s object?", "what is the shape of the %s object?", "which shape is %s?"},
        {"how many %s are there?", "how many %s are in the image?", "what is the number of %s?"},
        {"is there %s %s %s?", "is there %s %s %s in the image?", "does the image contain %s %s %s?"},
    };

    private ShapesDataset() {}

    /** @return the answer vocabulary ({@link #ANSWERS}) */
    public static AnswerVocabulary answerVocabulary() {
        return AnswerVocabulary.of(ANSWERS);
    }

    /**
     * Renders a data set with the default configuration.
     *
     * @param seed  data set seed
     * @param count number of examples
     * @return examples {@code 0 .. count-1}
     */
    public static List<ShapesSample> generate(long seed, int count) {
        return generate(seed, count, ShapesConfig.DEFAULT);
    }

    /**
     * Renders a data set.
     *
     * @param seed   data set seed
     * @param count  number of examples
     * @param config image size, shapes per image, noise
     * @return examples {@code 0 .. count-1}
     */
    public static List<ShapesSample> generate(long seed, int count, ShapesConfig config) {
        List<ShapesSample> out = new ArrayList<>(count);
        for (ShapesQuestion q : planAll(seed, count, config)) {
            out.add(q.render());
        }
        return out;
    }

    /**
     * Plans a data set without rendering it (fast; for statistics).
     *
     * @param seed   data set seed
     * @param count  number of examples, &ge; 0
     * @param config the configuration
     * @return the planned examples
     */
    public static List<ShapesQuestion> planAll(long seed, int count, ShapesConfig config) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        List<ShapesQuestion> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(plan(seed, i, config));
        }
        return out;
    }

    /**
     * Renders one example.
     *
     * @param seed   data set seed
     * @param index  example index
     * @param config the configuration
     * @return the example
     */
    public static ShapesSample sample(long seed, int index, ShapesConfig config) {
        return plan(seed, index, config).render();
    }

    /**
     * Plans one example: question family, answer, then a scene that makes the answer true.
     *
     * @param seed   data set seed
     * @param index  example index, &ge; 0
     * @param config the configuration
     * @return the planned example
     */
    public static ShapesQuestion plan(long seed, int index, ShapesConfig config) {
        Objects.requireNonNull(config, "config");
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, got " + index);
        }
        SplittableRandom rng = SampleSeeds.forItem(seed, index);
        QuestionType type = QuestionType.values()[rng.nextInt(QuestionType.values().length)];
        int max = config.maxShapes();
        ShapeKind[] kinds = config.kindValues();
        ShapeColor[] colors = config.colorValues();
        ShapeKind kind = kinds[rng.nextInt(kinds.length)];
        ShapeColor color = colors[rng.nextInt(colors.length)];
        List<ShapeKind> sk = new ArrayList<>();
        List<ShapeColor> sc = new ArrayList<>();
        String question;
        String answer;
        int template = rng.nextInt(3);
        switch (type) {
            case COLOR: {
                add(sk, sc, kind, color);
                addDistractors(rng, kinds, colors, sk, sc, rng.nextInt(max), (k, c) -> k != kind);
                question = String.format(Locale.ROOT, TEMPLATES[0][template], kind.word());
                answer = color.word();
                break;
            }
            case SHAPE: {
                add(sk, sc, kind, color);
                addDistractors(rng, kinds, colors, sk, sc, rng.nextInt(max), (k, c) -> c != color);
                question = String.format(Locale.ROOT, TEMPLATES[1][template], color.word());
                answer = kind.word();
                break;
            }
            case COUNT: {
                int k = rng.nextInt(max + 1);
                for (int i = 0; i < k; i++) {
                    add(sk, sc, kind, colors[rng.nextInt(colors.length)]);
                }
                int others = k == 0 ? 1 + rng.nextInt(max) : rng.nextInt(max - k + 1);
                addDistractors(rng, kinds, colors, sk, sc, others, (kk, c) -> kk != kind);
                question = String.format(Locale.ROOT, TEMPLATES[2][template], kind.plural());
                answer = Integer.toString(k);
                break;
            }
            case EXISTS: {
                boolean yes = rng.nextBoolean();
                int n = 1 + rng.nextInt(max);
                if (yes) {
                    add(sk, sc, kind, color);
                    n--;
                } else if (rng.nextDouble() < 0.6) {
                    // a hard negative: right shape in another colour, or right colour on another shape
                    if (rng.nextBoolean()) {
                        add(sk, sc, kind, pickOther(rng, colors, color));
                    } else {
                        add(sk, sc, pickOther(rng, kinds, kind), color);
                    }
                    n--;
                }
                addDistractors(rng, kinds, colors, sk, sc, n, (k, c) -> !(k == kind && c == color));
                question = String.format(Locale.ROOT, TEMPLATES[3][template], color.article(), color.word(), kind.word());
                answer = yes ? "yes" : "no";
                break;
            }
            default:
                throw new IllegalStateException("unhandled question type " + type);
        }
        ShapesScene scene = layout(rng, config, sk, sc);
        return new ShapesQuestion(index, scene, capitalise(question), answer, type);
    }

    /**
     * Question {@code q} about the scene of example {@code index}: {@code q = 0} is the example itself
     * ({@link #plan}, answer-first); {@code q > 0} asks another question about the same scene, chosen from
     * the scene ({@link #ask}), so one rendered image can carry several questions (training batches several
     * questions per image, FIBER's image bottom then runs once per image).
     *
     * @param seed   data set seed
     * @param index  example index, &ge; 0
     * @param q      question number about that scene, &ge; 0
     * @param config the configuration
     * @return the question, its answer and the shared scene
     */
    public static ShapesQuestion planQuestion(long seed, int index, int q, ShapesConfig config) {
        if (q < 0) {
            throw new IllegalArgumentException("question number must be >= 0, got " + q);
        }
        ShapesQuestion first = plan(seed, index, config);
        if (q == 0) {
            return first;
        }
        SplittableRandom rng = SampleSeeds.forItem(seed ^ 0x5DEECE66DL * q, index);
        return ask(rng, first.index(), first.scene(), config);
    }

    /**
     * Asks a question whose answer is read off an existing scene: the family is drawn uniformly, then a
     * subject the family can ask about (colour questions need a kind present exactly once, shape questions a
     * colour present exactly once; when the scene has none, a count question is asked instead); existence
     * questions are "yes" half of the time.
     *
     * @param rng    random source
     * @param index  example index to record
     * @param scene  the scene
     * @param config the configuration (vocabulary in use)
     * @return the question
     */
    public static ShapesQuestion ask(SplittableRandom rng, int index, ShapesScene scene, ShapesConfig config) {
        ShapeKind[] kinds = config.kindValues();
        ShapeColor[] colors = config.colorValues();
        List<PlacedShape> shapes = scene.shapes();
        QuestionType type = QuestionType.values()[rng.nextInt(QuestionType.values().length)];
        int template = rng.nextInt(3);
        List<PlacedShape> unique = new ArrayList<>();
        if (type == QuestionType.COLOR || type == QuestionType.SHAPE) {
            for (PlacedShape p : shapes) {
                long same = shapes.stream().filter(o -> type == QuestionType.COLOR ? o.kind() == p.kind() : o.color() == p.color()).count();
                if (same == 1) {
                    unique.add(p);
                }
            }
        }
        QuestionType t = unique.isEmpty() && (type == QuestionType.COLOR || type == QuestionType.SHAPE) ? QuestionType.COUNT : type;
        switch (t) {
            case COLOR: {
                PlacedShape p = unique.get(rng.nextInt(unique.size()));
                return new ShapesQuestion(index, scene, capitalise(String.format(Locale.ROOT, TEMPLATES[0][template], p.kind().word())),
                        p.color().word(), t);
            }
            case SHAPE: {
                PlacedShape p = unique.get(rng.nextInt(unique.size()));
                return new ShapesQuestion(index, scene, capitalise(String.format(Locale.ROOT, TEMPLATES[1][template], p.color().word())),
                        p.kind().word(), t);
            }
            case COUNT: {
                ShapeKind k = kinds[rng.nextInt(kinds.length)];
                return new ShapesQuestion(index, scene, capitalise(String.format(Locale.ROOT, TEMPLATES[2][template], k.plural())),
                        Long.toString(scene.count(k)), t);
            }
            case EXISTS: {
                ShapeKind k;
                ShapeColor c;
                boolean yes = rng.nextBoolean();
                if (yes) {
                    PlacedShape p = shapes.get(rng.nextInt(shapes.size()));
                    k = p.kind();
                    c = p.color();
                } else {
                    int guard = 0;
                    do {
                        k = kinds[rng.nextInt(kinds.length)];
                        c = colors[rng.nextInt(colors.length)];
                    } while (scene.contains(k, c) && ++guard < 100);
                    yes = scene.contains(k, c);
                }
                return new ShapesQuestion(index, scene, capitalise(String.format(Locale.ROOT, TEMPLATES[3][template], c.article(), c.word(),
                        k.word())), yes ? "yes" : "no", t);
            }
            default:
                throw new IllegalStateException("unhandled question type " + t);
        }
    }

    /**
     * File name of an example's image on export.
     *
     * @param index example index
     * @return {@code images/shapes_%06d.png}
     */
    public static String imageName(long index) {
        return String.format(Locale.ROOT, ShapesExport.IMAGE_NAME_PATTERN, index);
    }

    /**
     * The examples as VQAv2 questions (image id = question id = index; ten identical annotator
     * answers, so the soft score of the answer is 1), for {@link dev.fiber.tasks.data.VqaDataset}.
     *
     * @param samples generated examples
     * @return one question per example
     */
    public static List<VqaQuestion> toVqaQuestions(List<ShapesSample> samples) {
        List<VqaQuestion> out = new ArrayList<>(samples.size());
        for (ShapesSample s : samples) {
            out.add(new VqaQuestion(s.index(), s.index(), imageName(s.index()), s.question(), s.answer(),
                    Collections.nCopies(ShapesExport.ANSWERS_PER_QUESTION, s.answer())));
        }
        return out;
    }

    /**
     * @param samples generated examples
     * @return their images under {@link #imageName} names
     */
    public static MemoryImageSource imageSource(List<ShapesSample> samples) {
        Map<String, RgbImage> map = new HashMap<>();
        for (ShapesSample s : samples) {
            map.put(imageName(s.index()), s.image());
        }
        return new MemoryImageSource(map);
    }

    private static void add(List<ShapeKind> sk, List<ShapeColor> sc, ShapeKind k, ShapeColor c) {
        sk.add(k);
        sc.add(c);
    }

    private static void addDistractors(SplittableRandom rng, ShapeKind[] kinds, ShapeColor[] colors, List<ShapeKind> sk,
            List<ShapeColor> sc, int n, BiPredicate<ShapeKind, ShapeColor> allowed) {
        for (int i = 0; i < n; i++) {
            ShapeKind k;
            ShapeColor c;
            do {
                k = kinds[rng.nextInt(kinds.length)];
                c = colors[rng.nextInt(colors.length)];
            } while (!allowed.test(k, c));
            add(sk, sc, k, c);
        }
    }

    private static <E> E pickOther(SplittableRandom rng, E[] values, E not) {
        E e;
        do {
            e = values[rng.nextInt(values.length)];
        } while (e == not);
        return e;
    }

    /** Places the shapes without overlap (shrinking them if space runs out) on a random background. */
    private static ShapesScene layout(SplittableRandom rng, ShapesConfig config, List<ShapeKind> sk, List<ShapeColor> sc) {
        int n = config.imageSize();
        int gray = 40 + rng.nextInt(181);
        int[] tint = {rng.nextInt(-12, 13), rng.nextInt(-12, 13), rng.nextInt(-12, 13)};
        int gray2 = rng.nextBoolean() ? gray : clamp(gray + rng.nextInt(-60, 61), 25, 235);
        int[] top = {clamp(gray + tint[0], 0, 255), clamp(gray + tint[1], 0, 255), clamp(gray + tint[2], 0, 255)};
        int[] bottom = {clamp(gray2 + tint[0], 0, 255), clamp(gray2 + tint[1], 0, 255), clamp(gray2 + tint[2], 0, 255)};
        double sigma = config.maxNoiseSigma() == 0 ? 0 : rng.nextDouble() * config.maxNoiseSigma();
        long noiseSeed = rng.nextLong();

        // drawing order shuffled so the question's shape is not always first
        int[] order = new int[sk.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        double scale = 1.0;
        for (int round = 0; ; round++) {
            List<PlacedShape> placed = new ArrayList<>();
            boolean ok = true;
            for (int oi = 0; oi < order.length && ok; oi++) {
                int i = order[oi];
                double r = n * scale * (config.minRadius() + (config.maxRadius() - config.minRadius()) * rng.nextDouble());
                ok = false;
                for (int attempt = 0; attempt < 200; attempt++) {
                    double margin = r + 1;
                    double cx = margin + rng.nextDouble() * (n - 2 * margin);
                    double cy = margin + rng.nextDouble() * (n - 2 * margin);
                    boolean free = true;
                    for (PlacedShape p : placed) {
                        double d = Math.hypot(p.cx() - cx, p.cy() - cy);
                        if (d < p.radius() + r + 2) {
                            free = false;
                            break;
                        }
                    }
                    if (free) {
                        placed.add(new PlacedShape(sk.get(i), sc.get(i), jitter(rng, sc.get(i)), cx, cy, r,
                                rotation(rng, sk.get(i))));
                        ok = true;
                        break;
                    }
                }
            }
            if (ok) {
                return new ShapesScene(n, top, bottom, sigma, noiseSeed, placed);
            }
            if (round > 20) {
                throw new IllegalStateException("cannot place " + order.length + " shapes in a " + n + " px image");
            }
            scale *= 0.85;
        }
    }

    private static int[] jitter(SplittableRandom rng, ShapeColor c) {
        int[] rgb = c.rgb();
        for (int k = 0; k < 3; k++) {
            rgb[k] = clamp(rgb[k] + rng.nextInt(-18, 19), 0, 255);
        }
        return rgb;
    }

    private static double rotation(SplittableRandom rng, ShapeKind k) {
        switch (k) {
            case SQUARE:
                return rng.nextDouble(-10, 10);
            case TRIANGLE:
                return rng.nextDouble(-15, 15);
            case DIAMOND:
                return rng.nextDouble(-8, 8);
            case STAR:
                return rng.nextDouble(0, 72);
            default:
                return 0;
        }
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static String capitalise(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
