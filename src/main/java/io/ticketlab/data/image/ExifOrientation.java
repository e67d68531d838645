package io.ticketlab.data.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The EXIF orientation of a JPEG or PNG file and PIL's {@code ImageOps.exif_transpose} of a
 * decoded image: the opt-in of {@code classify --exif-orientation}. By default TicketLab ignores
 * the tag, as {@code PIL.Image.open(f).convert("RGB")} and torchvision's datasets do, so a phone
 * photo taken upright but stored sideways is fed to the model sideways; with the opt-in it is
 * turned as a photo viewer shows it.
 *
 * <p>Read from a JPEG's first {@code APP1 Exif} segment or a PNG's {@code eXIf} chunk, the
 * orientation tag (0x0112) of the first image file directory, in either byte order. Values other
 * than 2–8 (1, absent, 0, 9, or an unreadable EXIF block) leave the image as stored, as PIL does.
 * Not read: orientations given only in XMP metadata or in PNG's older {@code Raw profile type exif}
 * text chunk (which Pillow 9 also reads). {@code ExifOrientationTest} checks every orientation
 * against Pillow 9.4.
 */
public final class ExifOrientation {
  /** How far into a file the EXIF block is looked for (it comes before the image data). */
  private static final int HEAD = 1 << 20;

  private ExifOrientation() {}

  /** The orientation tag of {@code file} (1–8 as written, other values as they are), or 1 when it has none. */
  public static int read(Path file) throws IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(HEAD);
    }
    if (head.length >= 4 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8) {
      return fromJpeg(head);
    }
    if (head.length >= 8 && (head[0] & 0xFF) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G') {
      return fromPng(head);
    }
    return 1;
  }

  /** {@code image} turned as orientation {@code o} says (PIL's {@code exif_transpose}); others as they are. */
  public static DecodedImage apply(DecodedImage image, int o) {
    if (o < 2 || o > 8) {
      return image;
    }
    int w = image.width();
    int h = image.height();
    boolean swap = o >= 5;
    int ow = swap ? h : w;
    int oh = swap ? w : h;
    byte[] src = image.rgb();
    byte[] out = new byte[src.length];
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        // the stored pixel shown at (x, y): mirrored (2), upside down (3), mirrored top-bottom (4),
        // transposed (5), stored a quarter anticlockwise (6), transversed (7), a quarter clockwise (8)
        int sx = switch (o) {
          case 2, 3 -> w - 1 - x;
          case 4 -> x;
          case 5, 6 -> y;
          default -> w - 1 - y;
        };
        int sy = switch (o) {
          case 2 -> y;
          case 3, 4 -> h - 1 - y;
          case 5, 8 -> x;
          default -> h - 1 - x;
        };
        System.arraycopy(src, 3 * (sy * w + sx), out, 3 * (y * ow + x), 3);
      }
    }
    return new DecodedImage(ow, oh, out);
  }

  private static int fromJpeg(byte[] b) {
    int p = 2;
    while (p + 4 <= b.length) {
      if ((b[p] & 0xFF) != 0xFF) {
        return 1;
      }
      int marker = b[p + 1] & 0xFF;
      if (marker == 0xFF) {
        p++; // fill byte
        continue;
      }
      if (marker == 0xD8 || marker >= 0xD0 && marker <= 0xD7 || marker == 0x01) {
        p += 2;
        continue;
      }
      if (marker == 0xDA || marker == 0xD9) {
        return 1; // image data: no EXIF before it
      }
      int length = u16(b, p + 2, false);
      if (length < 2) {
        return 1;
      }
      int data = p + 4;
      int end = Math.min(b.length, p + 2 + length);
      if (marker == 0xE1 && end - data >= 6 && "Exif\0".equals(new String(b, data, 5, StandardCharsets.ISO_8859_1))) {
        // the first Exif segment is the one PIL reads
        return fromTiff(b, data + 6, end);
      }
      p += 2 + length;
    }
    return 1;
  }

  private static int fromPng(byte[] b) {
    int p = 8;
    while (p + 8 <= b.length) {
      long length = u32(b, p, false);
      String type = new String(b, p + 4, 4, StandardCharsets.ISO_8859_1);
      int data = p + 8;
      if (length > b.length - data) {
        return 1;
      }
      if (type.equals("eXIf")) {
        int end = data + (int) length;
        // some writers keep the JPEG segment's "Exif\0\0" prefix
        int tiff = end - data >= 6 && b[data] == 'E' && b[data + 1] == 'x' ? data + 6 : data;
        return fromTiff(b, tiff, end);
      }
      if (type.equals("IEND")) {
        return 1;
      }
      p = data + (int) length + 4;
    }
    return 1;
  }

  /** The orientation in the first IFD of a TIFF structure at {@code [start, end)}, or 1. */
  private static int fromTiff(byte[] b, int start, int end) {
    if (end - start < 8) {
      return 1;
    }
    boolean little;
    if (b[start] == 'I' && b[start + 1] == 'I') {
      little = true;
    } else if (b[start] == 'M' && b[start + 1] == 'M') {
      little = false;
    } else {
      return 1;
    }
    if (u16(b, start + 2, little) != 42) {
      return 1;
    }
    long ifd = u32(b, start + 4, little);
    if (ifd < 8 || ifd > end - start - 2) {
      return 1;
    }
    int p = start + (int) ifd;
    int entries = u16(b, p, little);
    p += 2;
    for (int i = 0; i < entries && p + 12 <= end; i++, p += 12) {
      if (u16(b, p, little) != 0x0112) {
        continue;
      }
      int type = u16(b, p + 2, little);
      long count = u32(b, p + 4, little);
      if (count < 1) {
        return 1;
      }
      return switch (type) {
        case 3 -> u16(b, p + 8, little);           // SHORT, as the standard says
        case 4 -> (int) Math.min(Integer.MAX_VALUE, u32(b, p + 8, little)); // LONG, as some writers do
        case 1 -> b[p + 8] & 0xFF;                  // BYTE
        default -> 1;
      };
    }
    return 1;
  }

  private static int u16(byte[] b, int p, boolean little) {
    int a = b[p] & 0xFF;
    int c = b[p + 1] & 0xFF;
    return little ? a | c << 8 : a << 8 | c;
  }

  private static long u32(byte[] b, int p, boolean little) {
    long v = 0;
    for (int i = 0; i < 4; i++) {
      int byteAt = little ? p + 3 - i : p + i;
      v = v << 8 | (b[byteAt] & 0xFF);
    }
    return v;
  }
}
