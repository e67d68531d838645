package io.ticketlab.data.synth;

import io.ticketlab.data.coco.CocoAnnotation;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Draws a contact sheet of generated images with boxes, class names, keypoints (green visible,
 * red occluded) and skeletons, for a human to look at:
 * {@code java -cp target/test-classes:target/classes:target/lib/* io.ticketlab.data.synth.SynthPreview OUT.png [SEED] [N]}.
 */
public final class SynthPreview {
  private static final String[] NAMES = {"", "person", "rect", "ellipse", "triangle", "star"};

  private SynthPreview() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "/tmp/synth_preview.png");
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
    int count = args.length > 2 ? Integer.parseInt(args[2]) : 24;
    int size = 128;
    int zoom = 3;
    int columns = 6;
    int rows = (count + columns - 1) / columns;
    int cellW = size * zoom + 6;
    BufferedImage sheet =
        new BufferedImage(columns * cellW, rows * cellW, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheet.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
    SynthOptions options = new SynthOptions(count, seed, size, SynthOptions.Split.train);
    for (int i = 0; i < count; i++) {
      SynthGenerator.SynthImage s = SynthGenerator.image(options, i + 1);
      BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
      img.setRGB(0, 0, size, size, s.rgb(), 0, size);
      int ox = (i % columns) * cellW + 3;
      int oy = (i / columns) * cellW + 3;
      g.drawImage(img, ox, oy, size * zoom, size * zoom, null);
      for (CocoAnnotation a : s.annotations()) {
        double[] b = a.bbox();
        boolean occluded = !(a.segmentation()
            instanceof io.ticketlab.data.coco.Segmentation.Polygons);
        g.setStroke(new BasicStroke(occluded ? 1.5f : 2f, BasicStroke.CAP_BUTT,
            BasicStroke.JOIN_MITER, 10, occluded ? new float[] {5, 3} : null, 0));
        g.setColor(Color.WHITE);
        g.drawRect(ox + (int) (b[0] * zoom), oy + (int) (b[1] * zoom), (int) (b[2] * zoom),
            (int) (b[3] * zoom));
        String label = NAMES[a.categoryId()] + " " + (int) a.area();
        g.setColor(Color.BLACK);
        g.drawString(label, ox + (int) (b[0] * zoom) + 3, oy + (int) (b[1] * zoom) + 13);
        g.setColor(Color.WHITE);
        g.drawString(label, ox + (int) (b[0] * zoom) + 2, oy + (int) (b[1] * zoom) + 12);
        double[] k = a.keypoints();
        if (k == null) {
          continue;
        }
        g.setStroke(new BasicStroke(1.5f));
        g.setColor(Color.YELLOW);
        for (List<Integer> e : Person.SKELETON) {
          int p = e.get(0) - 1;
          int q = e.get(1) - 1;
          if (k[3 * p + 2] > 0 && k[3 * q + 2] > 0) {
            g.drawLine(ox + (int) (k[3 * p] * zoom), oy + (int) (k[3 * p + 1] * zoom),
                ox + (int) (k[3 * q] * zoom), oy + (int) (k[3 * q + 1] * zoom));
          }
        }
        for (int j = 0; j < 17; j++) {
          if (k[3 * j + 2] == 0) {
            continue;
          }
          // Left keypoints green, right keypoints blue, occluded ones red; the nose white.
          String name = Person.KEYPOINTS.get(j);
          g.setColor(k[3 * j + 2] == 1 ? Color.RED
              : name.startsWith("left") ? Color.GREEN : name.startsWith("right") ? Color.CYAN
              : Color.WHITE);
          g.fillOval(ox + (int) (k[3 * j] * zoom) - 3, oy + (int) (k[3 * j + 1] * zoom) - 3, 6, 6);
        }
      }
    }
    g.dispose();
    try (OutputStream o = Files.newOutputStream(out)) {
      SynthGenerator.writePng(sheet, o);
    }
    System.out.println(out);
  }
}
