package io.ticketlab.data.image;

import io.ticketlab.common.BadInputException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes JPEG, PNG, BMP and GIF files to 8-bit RGB exactly as {@code
 * PIL.Image.open(f).convert("RGB")} does (Pillow 9.4, the generation torchvision 0.14 ran with),
 * which is what torchvision's datasets feed their models. The one image decoder of TicketLab:
 * classification, detection, {@code classify} and {@code predict} all read through it.
 *
 * <p>It decodes with the JDK's ImageIO readers and reads their raw rasters (never {@code getRGB},
 * which applies colour management: Java's linear-gray → sRGB curve brightens every grayscale
 * pixel). Per PIL mode:
 *
 * <ul>
 *   <li>{@code L} (8-bit gray), {@code 1} (bilevel), 2/4-bit gray: the level copied to R, G, B.
 *   <li>{@code LA}, {@code RGBA}, RGB or gray with a tRNS colour: alpha dropped, never composited.
 *   <li>{@code P} (palette, with or without a transparent index): the palette colour, including
 *       that of the transparent index.
 *   <li>16-bit gray PNG (PIL mode {@code I}): the value clipped to 255, as Pillow 9's {@code I →
 *       RGB} does (a 16-bit image that uses its range comes out white where it exceeds 255).
 *       16-bit RGB(A)/LA PNGs: the high byte, as PIL's {@code RGB;16B} unpacker.
 *   <li>CMYK and YCCK JPEGs with an Adobe marker (stored inverted, as Photoshop and PIL write
 *       them): PIL's {@code CMYK;I} unpacking and its {@code CMYK → RGB} conversion {@code R =
 *       (255 − C)(255 − K)/255}, rounded; YCCK goes through libjpeg's YCC → CMYK first.
 * </ul>
 *
 * <p>Embedded ICC profiles and EXIF orientation are ignored, as PIL's {@code convert("RGB")} and
 * torchvision ignore them ({@link #decode(Path, String, boolean)} applies the orientation on request). Baseline and progressive JPEGs decode with the JDK's libjpeg (6b,
 * islow IDCT, fancy upsampling), which equals PIL's libjpeg-turbo on the fixtures; see {@code
 * ImageDecoderTest} for the measured agreement per mode.
 *
 * <p>A missing, truncated or corrupt file is a {@link BadInputException} whose one-line message
 * names the file and, when given, the record that refers to it; PIL refuses truncated files too.
 */
public final class ImageDecoder {
  static {
    ImageIO.setUseCache(false);
  }

  private ImageDecoder() {}

  /** Decodes {@code file}; see {@link #decode(Path, String)}. */
  public static DecodedImage decode(Path file) {
    return decode(file, null);
  }

  /**
   * Decodes {@code file} to RGB with PIL's semantics.
   *
   * @param record the annotation record that refers to the file (e.g. {@code "images[3] (id
   *     17)"}), named in error messages; null when there is none
   * @throws BadInputException when the file is missing, not a JPEG/PNG/BMP/GIF, truncated or
   *     corrupt
   */
  public static DecodedImage decode(Path file, String record) {
    if (!Files.isRegularFile(file)) {
      throw BadInputException.of(file, record, null, null,
          Files.isDirectory(file) ? "is a folder, expected an image file" : "image file not found");
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      if (in == null) {
        throw BadInputException.of(file, record, null, null, "cannot open image file");
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw BadInputException.of(file, record, null, null,
            "not an image in a supported format (JPEG, PNG, BMP, GIF)");
      }
      ImageReader reader = readers.next();
      List<String> warnings = new ArrayList<>();
      reader.addIIOReadWarningListener(new IIOReadWarningListener() {
        @Override
        public void warningOccurred(ImageReader source, String warning) {
          warnings.add(warning);
        }
      });
      try {
        reader.setInput(in, false, true);
        String format = reader.getFormatName().toLowerCase(Locale.ROOT);
        BufferedImage img = reader.read(0);
        DecodedImage out = format.equals("jpeg")
                && img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_CMYK
            ? fromCmyk(img.getRaster())
            : fromImage(img);
        if (!warnings.isEmpty()) {
          throw BadInputException.of(file, record, null, null,
              "image file is truncated or corrupt (" + warnings.get(0) + ")");
        }
        return out;
      } finally {
        reader.dispose();
      }
    } catch (BadInputException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // the reader's own words, never its Java type name
      String detail = e.getMessage() == null || e.getMessage().isBlank() ? "" : " (" + e.getMessage().strip() + ")";
      throw new BadInputException(BadInputException.describe(file, record, null, null,
          "cannot decode image, truncated or corrupt" + detail), e);
    }
  }

  /**
   * {@link #decode(Path, String)}, then, with {@code exifOrientation}, turned as the file's EXIF
   * orientation says (PIL's {@code ImageOps.exif_transpose}; {@link ExifOrientation}). Without it
   * the same as {@link #decode(Path, String)}: PIL's {@code convert("RGB")} and torchvision ignore
   * the tag.
   */
  public static DecodedImage decode(Path file, String record, boolean exifOrientation) {
    DecodedImage image = decode(file, record);
    if (!exifOrientation) {
      return image;
    }
    try {
      return ExifOrientation.apply(image, ExifOrientation.read(file));
    } catch (IOException e) {
      throw BadInputException.of(file, record, null, null, "cannot read (" + e.getMessage() + ")");
    }
  }

  /** Bytes at the end of a file searched for the format's end marker. */
  private static final int TAIL = 32;

  /**
   * Checks that {@code file} is a whole JPEG, PNG, BMP or GIF image, reading only its first and last
   * bytes where it can: a training run calls this for every image before it creates its run folder,
   * so that a file that is no image, or one cut short after a valid header, is refused before
   * anything is written. A file that starts with a known signature but does not end with that
   * format's end marker (PNG's {@code IEND} chunk, JPEG's EOI, GIF's trailer, a BMP shorter than its
   * header says) is decoded in full: a truncated one is refused, one with bytes after its end (some
   * cameras append data) passes.
   *
   * @param record the annotation record that refers to the file, named in errors; null for none
   * @throws BadInputException naming the file (and record) when it is missing, not an image of these
   *     formats, truncated or corrupt
   */
  public static void checkFile(Path file, String record) {
    if (!Files.isRegularFile(file)) {
      decode(file, record); // names a missing file or a folder
    }
    byte[] head = new byte[6];
    byte[] tail;
    long size;
    try (SeekableByteChannel ch = Files.newByteChannel(file)) {
      size = ch.size();
      ByteBuffer h = ByteBuffer.wrap(head);
      while (h.hasRemaining() && ch.read(h) > 0) {
        // fill the head
      }
      int n = (int) Math.min(TAIL, size);
      ByteBuffer t = ByteBuffer.allocate(n);
      ch.position(size - n);
      while (t.hasRemaining() && ch.read(t) > 0) {
        // fill the tail
      }
      tail = Arrays.copyOf(t.array(), t.position());
    } catch (IOException e) {
      throw BadInputException.of(file, record, null, null, "cannot read image file");
    }
    boolean complete;
    if (size >= 3 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xd8 && (head[2] & 0xff) == 0xff) {
      complete = contains(tail, new byte[] {(byte) 0xff, (byte) 0xd9});
    } else if (size >= 4 && (head[0] & 0xff) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G') {
      complete = contains(tail, new byte[] {'I', 'E', 'N', 'D'});
    } else if (size >= 4 && head[0] == 'G' && head[1] == 'I' && head[2] == 'F' && head[3] == '8') {
      complete = tail.length > 0 && tail[tail.length - 1] == 0x3b;
    } else if (size >= 2 && head[0] == 'B' && head[1] == 'M') {
      long declared = size >= 6
          ? (head[2] & 0xffL) | (head[3] & 0xffL) << 8 | (head[4] & 0xffL) << 16 | (head[5] & 0xffL) << 24
          : Long.MAX_VALUE;
      complete = size >= declared;
    } else {
      throw BadInputException.of(file, record, null, null, "not a JPEG, PNG, BMP or GIF image");
    }
    if (!complete) {
      decode(file, record);
    }
  }

  private static boolean contains(byte[] bytes, byte[] marker) {
    for (int i = 0; i + marker.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + marker.length, marker, 0, marker.length)) {
        return true;
      }
    }
    return false;
  }

  /** The RGB pixels of an image decoded by ImageIO, from its raw raster. */
  static DecodedImage fromImage(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    ColorModel cm = img.getColorModel();
    Raster raster = img.getRaster();
    byte[] own = ownRgbBytes(cm, raster, w, h);
    if (own != null) {
      return new DecodedImage(w, h, own);
    }
    byte[] out = new byte[3 * w * h];
    if (cm instanceof IndexColorModel icm) {
      int size = icm.getMapSize();
      byte[] lut = new byte[3 * 256];
      for (int i = 0; i < Math.min(size, 256); i++) {
        lut[3 * i] = (byte) icm.getRed(i);
        lut[3 * i + 1] = (byte) icm.getGreen(i);
        lut[3 * i + 2] = (byte) icm.getBlue(i);
      }
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        raster.getSamples(0, y, w, 1, 0, row);
        for (int x = 0; x < w; x++) {
          int v = row[x] & 0xFF;
          int d = 3 * (y * w + x);
          out[d] = lut[3 * v];
          out[d + 1] = lut[3 * v + 1];
          out[d + 2] = lut[3 * v + 2];
        }
      }
      return new DecodedImage(w, h, out);
    }
    int type = cm.getColorSpace().getType();
    int bits = cm.getComponentSize(0);
    if (type == ColorSpace.TYPE_GRAY) {
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        raster.getSamples(0, y, w, 1, 0, row);
        for (int x = 0; x < w; x++) {
          int v = gray(row[x], bits);
          int d = 3 * (y * w + x);
          out[d] = (byte) v;
          out[d + 1] = (byte) v;
          out[d + 2] = (byte) v;
        }
      }
      return new DecodedImage(w, h, out);
    }
    if (type != ColorSpace.TYPE_RGB || raster.getNumBands() < 3) {
      throw new IllegalArgumentException("unsupported colour space (type " + type + ", "
          + raster.getNumBands() + " bands)");
    }
    if (bits == 8 && copyInterleavedBytes(raster, w, h, out)) {
      return new DecodedImage(w, h, out);
    }
    int[] row = new int[w];
    for (int c = 0; c < 3; c++) {
      int cbits = cm.getComponentSize(c);
      for (int y = 0; y < h; y++) {
        raster.getSamples(0, y, w, 1, c, row);
        for (int x = 0; x < w; x++) {
          out[3 * (y * w + x) + c] = (byte) color(row[x], cbits);
        }
      }
    }
    return new DecodedImage(w, h, out);
  }

  /** A gray sample as PIL's {@code convert("RGB")} gives it: 16-bit values clip (mode I). */
  private static int gray(int v, int bits) {
    if (bits == 8) {
      return v;
    }
    if (bits == 16) {
      return Math.min(v, 255);
    }
    return color(v, bits);
  }

  /** A colour sample of {@code bits} bits as an 8-bit level (16 bits: the high byte, as PIL). */
  private static int color(int v, int bits) {
    if (bits == 8) {
      return v;
    }
    if (bits == 16) {
      return v >>> 8;
    }
    if (bits > 8) {
      return v >>> (bits - 8);
    }
    int max = (1 << bits) - 1;
    return (v * 255 + max / 2) / max;
  }

  /**
   * The raster's own array as RGB bytes, where it holds exactly {@code 3 × w × h} bytes of 8-bit
   * RGB or BGR pixels, row after row (JPEG's {@code TYPE_3BYTE_BGR}, an RGB PNG): BGR turned into
   * RGB in place. The image is the decoder's and discarded after this, so nothing else sees its
   * array change, and a 640×480 photo is not copied once more. Null for any other layout.
   */
  private static byte[] ownRgbBytes(ColorModel cm, Raster raster, int w, int h) {
    if (cm instanceof IndexColorModel
        || cm.getColorSpace().getType() != ColorSpace.TYPE_RGB
        || raster.getNumBands() != 3
        || cm.getComponentSize(0) != 8 || cm.getComponentSize(1) != 8 || cm.getComponentSize(2) != 8
        || !(raster.getSampleModel() instanceof ComponentSampleModel sm)
        || !(raster.getDataBuffer() instanceof DataBufferByte db)
        || db.getNumBanks() != 1
        || db.getOffset() != 0
        || raster.getSampleModelTranslateX() != 0
        || raster.getSampleModelTranslateY() != 0
        || sm.getPixelStride() != 3
        || sm.getScanlineStride() != 3 * w
        || db.getData().length != 3 * w * h) {
      return null;
    }
    int[] offsets = sm.getBandOffsets();
    int[] banks = sm.getBankIndices();
    if (banks[0] != 0 || banks[1] != 0 || banks[2] != 0 || offsets[1] != 1) {
      return null;
    }
    byte[] data = db.getData();
    if (offsets[0] == 0 && offsets[2] == 2) {
      return data;
    }
    if (offsets[0] != 2 || offsets[2] != 0) {
      return null;
    }
    // a row at a time through a copy: a swap within the array runs five times slower (C2 keeps its
    // loads and stores in order), a copy from another array as fast as a plain copy
    int rowBytes = 3 * w;
    byte[] row = new byte[rowBytes];
    for (int start = 0; start < data.length; start += rowBytes) {
      System.arraycopy(data, start, row, 0, rowBytes);
      for (int s = 0, d = start; s < rowBytes; s += 3, d += 3) {
        data[d] = row[s + 2];
        data[d + 1] = row[s + 1];
        data[d + 2] = row[s];
      }
    }
    return data;
  }

  /** The fast path for 8-bit pixel-interleaved rasters (JPEG's BGR, PNG's RGB/RGBA). */
  private static boolean copyInterleavedBytes(Raster raster, int w, int h, byte[] out) {
    if (!(raster.getSampleModel() instanceof ComponentSampleModel sm)
        || !(raster.getDataBuffer() instanceof DataBufferByte db)
        || db.getNumBanks() != 1
        || raster.getSampleModelTranslateX() != 0
        || raster.getSampleModelTranslateY() != 0) {
      return false;
    }
    byte[] data = db.getData();
    int[] offsets = sm.getBandOffsets();
    int[] banks = sm.getBankIndices();
    for (int b = 0; b < 3; b++) {
      if (banks[b] != 0) {
        return false;
      }
    }
    int ps = sm.getPixelStride();
    int ss = sm.getScanlineStride();
    int base = db.getOffset();
    int r = offsets[0];
    int g = offsets[1];
    int b = offsets[2];
    int d = 0;
    for (int y = 0; y < h; y++) {
      int s = base + y * ss;
      for (int x = 0; x < w; x++, s += ps) {
        out[d++] = data[s + r];
        out[d++] = data[s + g];
        out[d++] = data[s + b];
      }
    }
    return true;
  }

  /**
   * A CMYK or YCCK JPEG as PIL converts it. The JDK (17+) hands back the same CMYK values as PIL's
   * {@code CMYK;I} unpacking of Adobe JPEGs (un-inverted, YCCK already through libjpeg's
   * conversion); PIL's {@code CMYK → RGB} is then {@code R = (255 − C)(255 − K)/255}, rounded.
   */
  static DecodedImage fromCmyk(Raster raster) {
    int w = raster.getWidth();
    int h = raster.getHeight();
    byte[] out = new byte[3 * w * h];
    int[] px = new int[4 * w];
    for (int y = 0; y < h; y++) {
      raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, px);
      for (int x = 0; x < w; x++) {
        int nk = 255 - px[4 * x + 3];
        int d = 3 * (y * w + x);
        out[d] = (byte) mulDiv255(255 - px[4 * x], nk);
        out[d + 1] = (byte) mulDiv255(255 - px[4 * x + 1], nk);
        out[d + 2] = (byte) mulDiv255(255 - px[4 * x + 2], nk);
      }
    }
    return new DecodedImage(w, h, out);
  }

  /** PIL's rounded {@code a · b / 255}. */
  static int mulDiv255(int a, int b) {
    int t = a * b + 128;
    return ((t >> 8) + t) >> 8;
  }
}
