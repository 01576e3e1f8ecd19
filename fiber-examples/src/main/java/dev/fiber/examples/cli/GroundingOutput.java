package dev.fiber.examples.cli;

import dev.fiber.tasks.grounding.GroundingResult;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import javax.imageio.ImageIO;

/** Writes grounding results as JSON and as an annotated PNG. */
final class GroundingOutput {

    private static final Color[] PALETTE = {
        new Color(230, 25, 75), new Color(60, 180, 75), new Color(0, 130, 200), new Color(245, 130, 48),
        new Color(145, 30, 180), new Color(70, 240, 240), new Color(240, 50, 230), new Color(128, 128, 0)
    };

    private GroundingOutput() {}

    /**
     * @param r the result
     * @param image path of the input image (recorded in the JSON)
     * @return JSON text
     */
    static String json(GroundingResult r, Path image) {
        StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"image\": ").append(quote(image.toString()));
        sb.append(",\n  \"width\": ").append(r.imageSize().width());
        sb.append(",\n  \"height\": ").append(r.imageSize().height());
        sb.append(",\n  \"caption\": ").append(quote(r.caption()));
        sb.append(",\n  \"detections\": [");
        for (int i = 0; i < r.detections().size(); i++) {
            GroundingResult.Detection d = r.detections().get(i);
            sb.append(i == 0 ? "\n" : ",\n").append(String.format(Locale.ROOT,
                    "    {\"label\": %d, \"phrase\": %s, \"score\": %.6f, \"box\": [%.3f, %.3f, %.3f, %.3f]}",
                    d.label(), quote(d.phrase()), d.score(), d.x1(), d.y1(), d.x2(), d.y2()));
        }
        sb.append(r.detections().isEmpty() ? "]\n}\n" : "\n  ]\n}\n");
        return sb.toString();
    }

    /**
     * @param r the result
     * @param image input image path (recorded)
     * @param out JSON file, or {@code null} for {@code stdout}
     * @param stdout the command's output writer
     * @throws IOException if the file cannot be written
     */
    static void writeJson(GroundingResult r, Path image, Path out, java.io.PrintWriter stdout) throws IOException {
        String text = json(r, image);
        if (out == null) {
            stdout.print(text);
            stdout.flush();
        } else {
            Files.writeString(out, text, StandardCharsets.UTF_8);
        }
    }

    /**
     * Draws the boxes with their phrase and score.
     *
     * @param r the result
     * @param image the input image
     * @param out PNG path
     * @throws IOException if the file cannot be written
     */
    static void writePng(GroundingResult r, BufferedImage image, Path out) throws IOException {
        BufferedImage canvas = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.drawImage(image, 0, 0, null);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            float stroke = Math.max(2f, Math.min(image.getWidth(), image.getHeight()) / 300f);
            g.setStroke(new BasicStroke(stroke));
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(10, Math.round(stroke * 6))));
            FontMetrics fm = g.getFontMetrics();
            for (GroundingResult.Detection d : r.detections()) {
                Color c = PALETTE[(int) ((d.label() - 1) % PALETTE.length + PALETTE.length) % PALETTE.length];
                int x = Math.round(d.x1());
                int y = Math.round(d.y1());
                int w = Math.round(d.x2() - d.x1());
                int h = Math.round(d.y2() - d.y1());
                g.setColor(c);
                g.drawRect(x, y, w, h);
                String text = String.format(Locale.ROOT, "%s %.2f", d.phrase(), d.score());
                int tw = fm.stringWidth(text) + 4;
                int th = fm.getHeight();
                int ty = y - th >= 0 ? y - th : y;
                g.fillRect(x, ty, tw, th);
                g.setColor(Color.WHITE);
                g.drawString(text, x + 2, ty + fm.getAscent());
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(canvas, "png", out.toFile())) {
            throw new IOException("no PNG writer available for " + out);
        }
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
