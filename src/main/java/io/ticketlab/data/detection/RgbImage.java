package io.ticketlab.data.detection;

import io.ticketlab.common.BadInputException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A decoded image as the detection models take it: RGB planes (CHW), each value {@code byte /
 * 255f} in [0, 1], i.e. torchvision's {@code to_tensor(PIL.Image.open(f).convert("RGB"))}.
 *
 * <p>Conversion to RGB follows PIL's {@code convert("RGB")}: 8-bit grayscale is copied to the three
 * channels as stored (Java's {@code getRGB} would apply a gamma curve to gray images), alpha is
 * dropped without blending, palettes are looked up. 8-bit PNGs decode bit-identically to PIL;
 * baseline JPEGs may differ from PIL's libjpeg-turbo by one level on some pixels (IDCT and chroma
 * upsampling differ); 16-bit PNGs are reduced to 8 bits by Java's colour model.
 *
 * @param height height in pixels
 * @param width width in pixels
 * @param chw {@code 3 × height × width} floats, red plane first
 */
public record RgbImage(int height, int width, float[] chw) {

  public RgbImage {
    if (chw.length != 3 * height * width) {
      throw new IllegalArgumentException(
          chw.length + " values for a 3 x " + height + " x " + width + " image");
    }
  }

  /** Decodes a PNG, JPEG, BMP or GIF file; a missing or undecodable file is bad input. */
  public static RgbImage read(Path file) {
    return read(file, null);
  }

  /**
   * {@link #read(Path)} whose errors also name {@code record} (e.g. {@code images[3] (id 17)}), the
   * annotation record that refers to this file.
   */
  public static RgbImage read(Path file, String record) {
    if (!Files.isRegularFile(file)) {
      throw BadInputException.of(file, record, null, null, "image file not found");
    }
    BufferedImage img;
    try {
      img = ImageIO.read(file.toFile());
    } catch (IOException | RuntimeException e) {
      throw new BadInputException(BadInputException.describe(file, record, null, null,
          "cannot decode image (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")"), e);
    }
    if (img == null) {
      throw BadInputException.of(file, record, null, null,
          "not an image in a supported format (PNG, JPEG, BMP, GIF)");
    }
    return of(img);
  }

  /** The RGB planes of a decoded image, with PIL's {@code convert("RGB")} semantics. */
  public static RgbImage of(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    int plane = w * h;
    float[] out = new float[3 * plane];
    ColorModel cm = img.getColorModel();
    Raster raster = img.getRaster();
    boolean gray8 = !(cm instanceof IndexColorModel)
        && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
        && raster.getSampleModel().getSampleSize(0) == 8;
    if (gray8) {
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        raster.getSamples(0, y, w, 1, 0, row);
        for (int x = 0; x < w; x++) {
          float v = row[x] / 255f;
          int i = y * w + x;
          out[i] = v;
          out[plane + i] = v;
          out[2 * plane + i] = v;
        }
      }
    } else {
      int[] rgb = new int[w];
      for (int y = 0; y < h; y++) {
        img.getRGB(0, y, w, 1, rgb, 0, w);
        for (int x = 0; x < w; x++) {
          int p = rgb[x];
          int i = y * w + x;
          out[i] = ((p >> 16) & 0xFF) / 255f;
          out[plane + i] = ((p >> 8) & 0xFF) / 255f;
          out[2 * plane + i] = (p & 0xFF) / 255f;
        }
      }
    }
    return new RgbImage(h, w, out);
  }
}
