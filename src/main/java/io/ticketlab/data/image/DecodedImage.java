package io.ticketlab.data.image;

import java.util.Arrays;

/**
 * An 8-bit RGB image as PIL holds one after {@code convert("RGB")}: interleaved bytes, row after
 * row, red first ({@code rgb[3 * (y * width + x) + c]}). Immutable by convention: no method
 * writes into the array of an existing image.
 *
 * @param width width in pixels, at least 1
 * @param height height in pixels, at least 1
 * @param rgb {@code 3 × width × height} bytes (unsigned values 0–255)
 */
public record DecodedImage(int width, int height, byte[] rgb) {

  public DecodedImage {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("Invalid image size: " + width + "x" + height);
    }
    if (rgb.length != 3L * width * height) {
      throw new IllegalArgumentException(
          rgb.length + " bytes for a " + width + "x" + height + " RGB image");
    }
  }

  /** The value (0–255) of channel {@code c} at column {@code x}, row {@code y}. */
  public int get(int x, int y, int c) {
    return rgb[3 * (y * width + x) + c] & 0xFF;
  }

  /**
   * The rectangle of {@code w × h} pixels whose top-left corner is column {@code left}, row
   * {@code top}; PIL's {@code crop((left, top, left + w, top + h))}. Pixels outside the image are
   * black, as in PIL.
   */
  public DecodedImage crop(int left, int top, int w, int h) {
    byte[] out = new byte[3 * w * h];
    for (int y = 0; y < h; y++) {
      int sy = top + y;
      if (sy < 0 || sy >= height) {
        continue;
      }
      int x0 = Math.max(0, -left);
      int x1 = Math.min(w, width - left);
      if (x1 > x0) {
        System.arraycopy(rgb, 3 * (sy * width + left + x0), out, 3 * (y * w + x0), 3 * (x1 - x0));
      }
    }
    return new DecodedImage(w, h, out);
  }

  /** The mirror image (torchvision's {@code hflip}). */
  public DecodedImage flipHorizontal() {
    byte[] out = new byte[rgb.length];
    for (int y = 0; y < height; y++) {
      int row = 3 * y * width;
      for (int x = 0; x < width; x++) {
        int s = row + 3 * x;
        int d = row + 3 * (width - 1 - x);
        out[d] = rgb[s];
        out[d + 1] = rgb[s + 1];
        out[d + 2] = rgb[s + 2];
      }
    }
    return new DecodedImage(width, height, out);
  }

  /**
   * torchvision's {@code to_tensor}: RGB planes (CHW), each value {@code byte / 255f} in [0, 1].
   */
  public float[] toChw() {
    int plane = width * height;
    float[] out = new float[3 * plane];
    for (int i = 0; i < plane; i++) {
      out[i] = (rgb[3 * i] & 0xFF) / 255f;
      out[plane + i] = (rgb[3 * i + 1] & 0xFF) / 255f;
      out[2 * plane + i] = (rgb[3 * i + 2] & 0xFF) / 255f;
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DecodedImage d
        && d.width == width
        && d.height == height
        && Arrays.equals(d.rgb, rgb);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * width + height) + Arrays.hashCode(rgb);
  }

  @Override
  public String toString() {
    return "DecodedImage[" + width + "x" + height + "]";
  }
}
