package dev.fiber.tasks.shapes;

import dev.fiber.core.image.RgbImage;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/**
 * Draws a {@link ShapesScene} with Java2D into an off-screen image (no display needed: only
 * {@link BufferedImage} and {@link Graphics2D} are used, which work in headless mode), with
 * antialiasing, then adds the scene's Gaussian noise. The same scene gives the same pixels on the same
 * JDK; other JDK versions may rasterise edges slightly differently.
 */
public final class ShapesRenderer {

    private ShapesRenderer() {}

    /**
     * @param scene the scene
     * @return its image
     */
    public static RgbImage render(ShapesScene scene) {
        int n = scene.size();
        BufferedImage img = new BufferedImage(n, n, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            int[] top = scene.topColor();
            int[] bottom = scene.bottomColor();
            for (int y = 0; y < n; y++) {
                double t = n == 1 ? 0 : (double) y / (n - 1);
                g.setColor(new Color(lerp(top[0], bottom[0], t), lerp(top[1], bottom[1], t), lerp(top[2], bottom[2], t)));
                g.fillRect(0, y, n, 1);
            }
            for (PlacedShape s : scene.shapes()) {
                int[] c = s.rgb();
                g.setColor(new Color(c[0], c[1], c[2]));
                g.fill(outline(s));
            }
        } finally {
            g.dispose();
        }
        byte[] px = new byte[n * n * 3];
        int[] row = new int[n];
        SplittableRandom noise = new SplittableRandom(scene.noiseSeed());
        double sigma = scene.noiseSigma();
        for (int y = 0; y < n; y++) {
            img.getRGB(0, y, n, 1, row, 0, n);
            for (int x = 0; x < n; x++) {
                int argb = row[x];
                int i = (y * n + x) * 3;
                for (int c = 0; c < 3; c++) {
                    int v = (argb >> (16 - 8 * c)) & 0xFF;
                    if (sigma > 0) {
                        v = (int) Math.round(v + sigma * gaussian(noise));
                        v = Math.max(0, Math.min(255, v));
                    }
                    px[i + c] = (byte) v;
                }
            }
        }
        return RgbImage.of(n, n, px);
    }

    /**
     * @param s a placed shape
     * @return its outline in image coordinates
     */
    public static Shape outline(PlacedShape s) {
        double r = s.radius();
        Shape base;
        switch (s.kind()) {
            case CIRCLE:
                base = new Ellipse2D.Double(-r, -r, 2 * r, 2 * r);
                break;
            case SQUARE:
            case DIAMOND:
                base = polygon(4, r, 45);
                break;
            case TRIANGLE:
                base = polygon(3, r, -90);
                break;
            case STAR:
                base = star(r, r * 0.45);
                break;
            default:
                throw new IllegalStateException("unhandled shape " + s.kind());
        }
        AffineTransform at = new AffineTransform();
        at.translate(s.cx(), s.cy());
        double extra = s.kind() == ShapeKind.DIAMOND ? 45 : 0;
        at.rotate(Math.toRadians(s.rotation() + extra));
        return at.createTransformedShape(base);
    }

    /** A regular polygon with circumradius r, first vertex at {@code startDeg}. */
    private static Shape polygon(int sides, double r, double startDeg) {
        Path2D.Double p = new Path2D.Double();
        for (int i = 0; i < sides; i++) {
            double a = Math.toRadians(startDeg + 360.0 * i / sides);
            double x = r * Math.cos(a);
            double y = r * Math.sin(a);
            if (i == 0) {
                p.moveTo(x, y);
            } else {
                p.lineTo(x, y);
            }
        }
        p.closePath();
        return p;
    }

    private static Shape star(double outer, double inner) {
        Path2D.Double p = new Path2D.Double();
        for (int i = 0; i < 10; i++) {
            double a = Math.toRadians(-90 + 36.0 * i);
            double r = i % 2 == 0 ? outer : inner;
            double x = r * Math.cos(a);
            double y = r * Math.sin(a);
            if (i == 0) {
                p.moveTo(x, y);
            } else {
                p.lineTo(x, y);
            }
        }
        p.closePath();
        return p;
    }

    private static int lerp(int a, int b, double t) {
        return (int) Math.round(a + (b - a) * t);
    }

    /** A standard normal draw (Box-Muller; only one of the pair is used, which keeps it stateless). */
    private static double gaussian(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
