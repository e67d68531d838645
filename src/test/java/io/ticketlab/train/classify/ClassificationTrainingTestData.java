package io.ticketlab.train.classify;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/** Small generated image folders for classification tests. */
public final class ClassificationTrainingTestData {
  private ClassificationTrainingTestData() {}

  /** Three classes of coloured shapes on grey noise, in ImageFolder layout. */
  public static void writeShapes(Path root, int perClass, long seed) throws IOException {
    Random r = new Random(seed);
    String[] classes = {"disc", "square", "triangle"};
    Color[] colors = {new Color(220, 40, 40), new Color(40, 200, 60), new Color(40, 70, 230)};
    for (int c = 0; c < 3; c++) {
      Path folder = Files.createDirectories(root.resolve(classes[c]));
      for (int i = 0; i < perClass; i++) {
        BufferedImage img = new BufferedImage(40, 36, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
          for (int x = 0; x < img.getWidth(); x++) {
            int g = 100 + r.nextInt(60);
            img.setRGB(x, y, new Color(g, g, g).getRGB());
          }
        }
        Graphics2D g = img.createGraphics();
        g.setColor(colors[c]);
        int s = 14 + r.nextInt(12);
        int x = r.nextInt(40 - s);
        int y = r.nextInt(36 - s);
        if (c == 0) {
          g.fillOval(x, y, s, s);
        } else if (c == 1) {
          g.fillRect(x, y, s, s);
        } else {
          g.fillPolygon(new int[] {x, x + s, x + s / 2}, new int[] {y + s, y + s, y}, 3);
        }
        g.dispose();
        ImageIO.write(img, "png", folder.resolve(i + ".png").toFile());
      }
    }
  }

}
