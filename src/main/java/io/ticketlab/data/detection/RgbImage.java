package io.ticketlab.data.detection;

import io.ticketlab.data.image.DecodedImage;
import io.ticketlab.data.image.ImageDecoder;
import java.nio.file.Path;

/**
 * A decoded image as the detection models take it: RGB planes (CHW), each value {@code byte /
 * 255f} in [0, 1], i.e. torchvision's {@code to_tensor(PIL.Image.open(f).convert("RGB"))}. Files
 * are decoded by {@link ImageDecoder}, the one decoder, with PIL's semantics for every mode.
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
    return of(ImageDecoder.decode(file, record));
  }

  /** {@link #read(Path, String)}, turned as the file's EXIF orientation says when {@code exifOrientation}. */
  public static RgbImage read(Path file, String record, boolean exifOrientation) {
    return of(ImageDecoder.decode(file, record, exifOrientation));
  }

  /** The planes of a decoded image. */
  public static RgbImage of(DecodedImage img) {
    return new RgbImage(img.height(), img.width(), img.toChw());
  }
}
