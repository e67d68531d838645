package io.ticketlab.data.synth;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * A minimal 8-bit RGB PNG encoder: the {@code Sub} filter on every row and fast deflate. About
 * four times faster than ImageIO's writer on the noisy synthetic images, and its bytes depend only
 * on the pixels (and the JDK's zlib).
 */
final class PngEncoder {
  private static final byte[] SIGNATURE = {(byte) 137, 80, 78, 71, 13, 10, 26, 10};

  private PngEncoder() {}

  /** Writes {@code rgb} (row-major {@code 0xRRGGBB}) as a {@code width × height} PNG. */
  static void write(int[] rgb, int width, int height, OutputStream out) throws IOException {
    ByteArrayOutputStream idat = new ByteArrayOutputStream(width * height * 2);
    Deflater deflater = new Deflater(Deflater.BEST_SPEED);
    try (DeflaterOutputStream z = new DeflaterOutputStream(idat, deflater, 1 << 15)) {
      byte[] row = new byte[1 + 3 * width];
      row[0] = 1; // Sub: each byte minus the same channel of the pixel to its left
      for (int y = 0; y < height; y++) {
        int pr = 0;
        int pg = 0;
        int pb = 0;
        for (int x = 0; x < width; x++) {
          int c = rgb[y * width + x];
          int r = (c >> 16) & 255;
          int g = (c >> 8) & 255;
          int b = c & 255;
          row[1 + 3 * x] = (byte) (r - pr);
          row[2 + 3 * x] = (byte) (g - pg);
          row[3 + 3 * x] = (byte) (b - pb);
          pr = r;
          pg = g;
          pb = b;
        }
        z.write(row);
      }
    } finally {
      deflater.end();
    }
    DataOutputStream d = new DataOutputStream(out);
    d.write(SIGNATURE);
    ByteArrayOutputStream header = new ByteArrayOutputStream(13);
    DataOutputStream h = new DataOutputStream(header);
    h.writeInt(width);
    h.writeInt(height);
    h.write(new byte[] {8, 2, 0, 0, 0}); // 8 bits, truecolour, deflate, adaptive filters, no interlace
    chunk(d, "IHDR", header.toByteArray());
    chunk(d, "IDAT", idat.toByteArray());
    chunk(d, "IEND", new byte[0]);
    d.flush();
  }

  private static void chunk(DataOutputStream d, String type, byte[] data) throws IOException {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    d.writeInt(data.length);
    d.write(t);
    d.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    d.writeInt((int) crc.getValue());
  }
}
