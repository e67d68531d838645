package io.ticketlab.data.folder;

import io.ticketlab.common.InputFiles;
import io.ticketlab.common.BadInputException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * torchvision's classification transforms on decoded images, in Java (the PyTorch engine has no
 * random image ops): {@code RandomResizedCrop} + horizontal flip for training, resize of the short
 * side + center crop for evaluation, and {@code ToTensor} + ImageNet normalisation into a CHW float
 * array.
 */
public final class ImageTransforms {
  /** ImageNet channel means (RGB), as torchvision's pretrained models expect. */
  public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
  /** ImageNet channel standard deviations (RGB). */
  public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

  private ImageTransforms() {}

  /** Decodes an image file to RGB; unreadable or unsupported files are bad input. */
  public static BufferedImage read(Path file) {
    BufferedImage img;
    InputFiles.requireFile(file);
    try {
      img = ImageIO.read(file.toFile());
    } catch (IOException e) {
      throw BadInputException.of(file, null, null, null, "cannot decode image: " + e.getMessage());
    }
    if (img == null) {
      throw BadInputException.of(file, null, null, null, "not an image in a supported format (JPEG, PNG, BMP, GIF)");
    }
    return img;
  }

  /**
   * torchvision's {@code RandomResizedCrop(size, scale=(0.08, 1), ratio=(3/4, 4/3))}: up to ten
   * tries of a random area fraction and log-uniform aspect ratio, else a center crop clamped to the
   * ratio range; the crop is resized to size×size (bilinear). Then a horizontal flip with p = 0.5.
   */
  public static float[] trainCrop(BufferedImage img, int size, SplittableRandom rng) {
    int w = img.getWidth();
    int h = img.getHeight();
    double area = (double) w * h;
    double logLo = Math.log(3.0 / 4.0);
    double logHi = Math.log(4.0 / 3.0);
    int cx = -1, cy = -1, cw = w, ch = h;
    for (int attempt = 0; attempt < 10; attempt++) {
      double target = area * (0.08 + rng.nextDouble() * (1.0 - 0.08));
      double ratio = Math.exp(logLo + rng.nextDouble() * (logHi - logLo));
      int tw = (int) Math.round(Math.sqrt(target * ratio));
      int th = (int) Math.round(Math.sqrt(target / ratio));
      if (tw > 0 && th > 0 && tw <= w && th <= h) {
        cx = rng.nextInt(w - tw + 1);
        cy = rng.nextInt(h - th + 1);
        cw = tw;
        ch = th;
        break;
      }
    }
    if (cx < 0) {
      double inRatio = (double) w / h;
      if (inRatio < 3.0 / 4.0) {
        cw = w;
        ch = (int) Math.round(w / (3.0 / 4.0));
      } else if (inRatio > 4.0 / 3.0) {
        ch = h;
        cw = (int) Math.round(h * (4.0 / 3.0));
      } else {
        cw = w;
        ch = h;
      }
      cw = Math.min(cw, w);
      ch = Math.min(ch, h);
      cx = (w - cw) / 2;
      cy = (h - ch) / 2;
    }
    boolean flip = rng.nextDouble() < 0.5;
    return toTensor(resize(img, cx, cy, cw, ch, size, size, flip));
  }

  /** torchvision's evaluation transform: resize the short side to {@code resize}, center crop. */
  public static float[] evalCrop(BufferedImage img, int resize, int crop) {
    int w = img.getWidth();
    int h = img.getHeight();
    double s = (double) resize / Math.min(w, h);
    int rw = Math.max(crop, (int) Math.round(w * s));
    int rh = Math.max(crop, (int) Math.round(h * s));
    // the crop window in source coordinates
    double cw = crop / s;
    double ch = crop / s;
    double cx = (rw - crop) / 2.0 / s;
    double cy = (rh - crop) / 2.0 / s;
    return toTensor(
        resize(img, (int) Math.round(cx), (int) Math.round(cy), (int) Math.round(cw), (int) Math.round(ch), crop, crop, false));
  }

  /** Crops a rectangle and scales it to {@code outW}×{@code outH} with bilinear interpolation. */
  static BufferedImage resize(
      BufferedImage img, int x, int y, int w, int h, int outW, int outH, boolean flip) {
    BufferedImage out = new BufferedImage(outW, outH, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      int w1 = Math.max(1, Math.min(w, img.getWidth() - x));
      int h1 = Math.max(1, Math.min(h, img.getHeight() - y));
      if (flip) {
        g.drawImage(img, outW, 0, 0, outH, x, y, x + w1, y + h1, null);
      } else {
        g.drawImage(img, 0, 0, outW, outH, x, y, x + w1, y + h1, null);
      }
    } finally {
      g.dispose();
    }
    return out;
  }

  /** {@code ToTensor} + ImageNet normalisation: CHW floats, RGB. */
  public static float[] toTensor(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
    float[] out = new float[3 * w * h];
    int plane = w * h;
    for (int i = 0; i < plane; i++) {
      int p = rgb[i];
      out[i] = (((p >> 16) & 0xFF) / 255f - IMAGENET_MEAN[0]) / IMAGENET_STD[0];
      out[plane + i] = (((p >> 8) & 0xFF) / 255f - IMAGENET_MEAN[1]) / IMAGENET_STD[1];
      out[2 * plane + i] = ((p & 0xFF) / 255f - IMAGENET_MEAN[2]) / IMAGENET_STD[2];
    }
    return out;
  }
}
