package io.ticketlab.data.image;

/**
 * Resizing with the arithmetic of PIL's {@code Image.resize} (the resample that torchvision's
 * {@code Resize} calls on PIL images), so that resized pixels equal PIL's.
 *
 * <p>What PIL does, and this class reproduces: the image is resampled separably, first along rows
 * (when the width changes), then along columns (when the height changes), with an 8-bit image in
 * between. Output sample {@code i} of an axis scaled by {@code s = in / out} is centred at {@code
 * (i + 0.5) s}; the filter is stretched by {@code max(s, 1)} (antialiasing when shrinking: every
 * input pixel under the widened filter contributes), its weights are normalised to sum 1 and then
 * rounded to fixed point with 22 fraction bits; each output value is the weighted sum plus one half,
 * shifted and clipped to 0–255. An axis whose size does not change is not resampled.
 */
public final class Resample {
  private static final int PRECISION_BITS = 32 - 8 - 2;
  private static final double ONE = 1 << PRECISION_BITS;

  /** The interpolation filters of torchvision's {@code InterpolationMode} that PIL implements. */
  public enum Filter {
    /** Triangle filter, support 1 ({@code PIL.Image.BILINEAR}), torchvision's default. */
    BILINEAR(1.0),
    /** Keys cubic with {@code a = -0.5}, support 2 ({@code PIL.Image.BICUBIC}). */
    BICUBIC(2.0);

    private final double support;

    Filter(double support) {
      this.support = support;
    }

    double weight(double x) {
      double t = Math.abs(x);
      if (this == BILINEAR) {
        return t < 1.0 ? 1.0 - t : 0.0;
      }
      double a = -0.5;
      if (t < 1.0) {
        return ((a + 2.0) * t - (a + 3.0)) * t * t + 1;
      }
      if (t < 2.0) {
        return (((t - 5) * t + 8) * t - 4) * a;
      }
      return 0.0;
    }
  }

  private Resample() {}

  /** {@code img} resized to {@code width × height} with {@code filter}, as PIL's resize. */
  public static DecodedImage resize(DecodedImage img, int width, int height, Filter filter) {
    return resize(img, 0, 0, img.width(), img.height(), width, height, filter);
  }

  /**
   * The {@code cropWidth × cropHeight} rectangle of {@code img} at column {@code left}, row {@code
   * top} resized to {@code width × height}: PIL's {@code img.crop(box).resize(size)}, read in place
   * (no copy of the crop). The rectangle must lie inside the image.
   */
  public static DecodedImage resize(DecodedImage img, int left, int top, int cropWidth,
      int cropHeight, int width, int height, Filter filter) {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("Invalid output size: " + width + "x" + height);
    }
    if (left < 0 || top < 0 || cropWidth < 1 || cropHeight < 1
        || left + cropWidth > img.width() || top + cropHeight > img.height()) {
      throw new IllegalArgumentException("Region " + cropWidth + "x" + cropHeight + " at (" + left
          + ", " + top + ") outside a " + img.width() + "x" + img.height() + " image");
    }
    boolean across = width != cropWidth;
    boolean down = height != cropHeight;
    if (!across && !down) {
      return left == 0 && top == 0 && cropWidth == img.width() && cropHeight == img.height()
          ? img
          : img.crop(left, top, cropWidth, cropHeight);
    }
    byte[] src = img.rgb();
    int rowBytes = 3 * img.width();
    int offset = 3 * (top * img.width() + left);
    byte[] out = new byte[3 * width * height];
    if (!across) {
      // only the columns change: the region's rows widened to ints, then the vertical pass
      int rowInts = 3 * width;
      int[] levels = scratch(rowInts * cropHeight);
      for (int y = 0; y < cropHeight; y++) {
        int from = offset + y * rowBytes;
        for (int i = 0; i < rowInts; i++) {
          levels[y * rowInts + i] = src[from + i] & 0xFF;
        }
      }
      vertical(levels, rowInts, out, height, Axis.of(cropHeight, height, filter));
      return new DecodedImage(width, height, out);
    }
    Axis horizontal = Axis.of(cropWidth, width, filter);
    if (!down) {
      horizontal(src, offset, rowBytes, cropHeight, null, out, width, horizontal);
      return new DecodedImage(width, height, out);
    }
    // the 8-bit levels between the passes, held as ints so that the vertical pass is int arithmetic
    int[] levels = scratch(3 * width * cropHeight);
    horizontal(src, offset, rowBytes, cropHeight, levels, null, width, horizontal);
    vertical(levels, 3 * width, out, height, Axis.of(cropHeight, height, filter));
    return new DecodedImage(width, height, out);
  }

  /** Ints of the between-passes image above which a call allocates its own array. */
  private static final int SCRATCH_LIMIT = 1 << 22;

  private static final ThreadLocal<int[]> SCRATCH = ThreadLocal.withInitial(() -> new int[0]);

  /**
   * At least {@code n} ints for the image between the two passes: the calling thread's reused array
   * (one per decoding thread, so that a data pipeline does not allocate a megabyte per image), or
   * a fresh one for very large images.
   */
  private static int[] scratch(int n) {
    if (n > SCRATCH_LIMIT) {
      return new int[n];
    }
    int[] a = SCRATCH.get();
    if (a.length < n) {
      a = new int[Math.max(n, Math.min(SCRATCH_LIMIT, 2 * a.length))];
      SCRATCH.set(a);
    }
    return a;
  }

  /** The fixed-point weights of one axis: for output {@code i}, inputs {@code first[i]…}. */
  private record Axis(int[] first, int[] count, int[] weights, int stride) {
    static Axis of(int in, int out, Filter filter) {
      double scale = (double) in / out;
      double stretch = Math.max(scale, 1.0);
      double support = filter.support * stretch;
      double inverse = 1.0 / stretch;
      int stride = (int) Math.ceil(support) * 2 + 1;
      int[] first = new int[out];
      int[] count = new int[out];
      int[] weights = new int[out * stride];
      double[] k = new double[stride];
      for (int i = 0; i < out; i++) {
        double center = (i + 0.5) * scale;
        int lo = Math.max((int) (center - support + 0.5), 0);
        int hi = Math.min((int) (center + support + 0.5), in);
        int n = hi - lo;
        double sum = 0;
        for (int j = 0; j < n; j++) {
          k[j] = filter.weight((j + lo - center + 0.5) * inverse);
          sum += k[j];
        }
        for (int j = 0; j < n; j++) {
          double w = sum == 0.0 ? k[j] : k[j] / sum;
          weights[i * stride + j] = w < 0 ? (int) (-0.5 + w * ONE) : (int) (0.5 + w * ONE);
        }
        first[i] = lo;
        count[i] = n;
      }
      return new Axis(first, count, weights, stride);
    }
  }

  /**
   * Rows {@code 0…h-1} of {@code src} (from {@code offset}, {@code rowBytes} apart) resampled
   * across into {@code levels} (ints) or, when that is null, into {@code bytes}. Two rows at a
   * time, so that each weight is loaded once for both.
   */
  private static void horizontal(byte[] src, int offset, int rowBytes, int h, int[] levels,
      byte[] bytes, int outW, Axis axis) {
    int half = 1 << (PRECISION_BITS - 1);
    int[] first = axis.first;
    int[] count = axis.count;
    int[] weights = axis.weights;
    int stride = axis.stride;
    int outRow = 3 * outW;
    for (int y = 0; y < h; y += 2) {
      int row = offset + y * rowBytes;
      int d = y * outRow;
      // the second row of the pair; a last, unpaired row is computed twice into the same place
      int next = y + 1 < h ? rowBytes : 0;
      int nextOut = y + 1 < h ? outRow : 0;
      for (int x = 0; x < outW; x++, d += 3) {
        int r = half;
        int g = half;
        int b = half;
        int r2 = half;
        int g2 = half;
        int b2 = half;
        int s = row + 3 * first[x];
        int k = x * stride;
        int end = k + count[x];
        for (; k < end; k++, s += 3) {
          int w = weights[k];
          int t = s + next;
          r += (src[s] & 0xFF) * w;
          g += (src[s + 1] & 0xFF) * w;
          b += (src[s + 2] & 0xFF) * w;
          r2 += (src[t] & 0xFF) * w;
          g2 += (src[t + 1] & 0xFF) * w;
          b2 += (src[t + 2] & 0xFF) * w;
        }
        put(levels, bytes, d, r, g, b);
        put(levels, bytes, d + nextOut, r2, g2, b2);
      }
    }
  }

  private static void put(int[] levels, byte[] bytes, int d, int r, int g, int b) {
    if (levels != null) {
      levels[d] = level(r);
      levels[d + 1] = level(g);
      levels[d + 2] = level(b);
    } else {
      bytes[d] = (byte) level(r);
      bytes[d + 1] = (byte) level(g);
      bytes[d + 2] = (byte) level(b);
    }
  }

  /** The vertical pass over 8-bit levels held as ints (rows of {@code rowInts}), into {@code dst}. */
  private static void vertical(int[] src, int rowInts, byte[] dst, int outH, Axis axis) {
    int half = 1 << (PRECISION_BITS - 1);
    int[] acc = new int[rowInts];
    for (int y = 0; y < outH; y++) {
      java.util.Arrays.fill(acc, half);
      int k = y * axis.stride;
      for (int j = 0; j < axis.count[y]; j++) {
        int wgt = axis.weights[k + j];
        int s = (axis.first[y] + j) * rowInts;
        for (int i = 0; i < rowInts; i++) {
          acc[i] += src[s + i] * wgt;
        }
      }
      int d = y * rowInts;
      for (int i = 0; i < rowInts; i++) {
        dst[d + i] = (byte) level(acc[i]);
      }
    }
  }

  /** A fixed-point sum as an 8-bit level: shifted down and clipped to 0–255. */
  private static int level(int acc) {
    int v = acc >> PRECISION_BITS;
    return v < 0 ? 0 : Math.min(v, 255);
  }
}
