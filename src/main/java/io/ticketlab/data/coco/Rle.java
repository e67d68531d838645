package io.ticketlab.data.coco;

import java.util.Arrays;
import java.util.List;

/**
 * A binary mask of {@code height × width} pixels as run-length encoding in COCO's convention: the
 * pixels are read in column-major order (down the first column, then the next), and {@code counts}
 * alternates runs of 0s and 1s, starting with 0s (so a mask starting with a 1 has {@code
 * counts[0] == 0}). The counts always sum to {@code height · width}. Every operation reproduces
 * pycocotools' mask API bit for bit (area, bounding box, merge, IoU, compressed strings).
 *
 * <p>The counts array is not copied: treat it as read-only.
 */
public record Rle(int height, int width, int[] counts) {

  public Rle {
    if (height < 0 || width < 0) {
      throw new IllegalArgumentException("negative mask size " + height + "x" + width);
    }
    if (counts == null) {
      throw new IllegalArgumentException("counts must not be null");
    }
  }

  /** Sum of all counts; equals {@code height · width} for a well-formed mask. */
  public long totalCount() {
    long s = 0;
    for (int c : counts) {
      s += c & 0xffffffffL;
    }
    return s;
  }

  /** Encodes a column-major mask (non-zero = foreground) of {@code height · width} bytes. */
  public static Rle encode(byte[] mask, int height, int width) {
    int n = height * width;
    if (mask.length != n) {
      throw new IllegalArgumentException("mask has " + mask.length + " pixels, expected " + n);
    }
    int[] runs = new int[n + 1];
    int k = 0;
    int run = 0;
    byte previous = 0;
    for (int j = 0; j < n; j++) {
      byte value = mask[j] != 0 ? (byte) 1 : (byte) 0;
      if (value != previous) {
        runs[k++] = run;
        run = 0;
        previous = value;
      }
      run++;
    }
    runs[k++] = run;
    return new Rle(height, width, Arrays.copyOf(runs, k));
  }

  /** The mask in column-major order, 1 for foreground. */
  public byte[] decode() {
    byte[] mask = new byte[height * width];
    int position = 0;
    byte value = 0;
    for (int c : counts) {
      int end = Math.min(mask.length, position + c);
      if (value == 1) {
        Arrays.fill(mask, position, end, (byte) 1);
      }
      position = end;
      value = (byte) (1 - value);
    }
    return mask;
  }

  /** Number of foreground pixels. */
  public long area() {
    long a = 0;
    for (int i = 1; i < counts.length; i += 2) {
      a += counts[i] & 0xffffffffL;
    }
    return a;
  }

  /**
   * The tight bounding box {@code [x, y, w, h]} in pixels, as pycocotools' {@code toBbox} computes
   * it (all zeros for an empty mask; a mask spanning several columns gets the full column height
   * whenever a run wraps from one column to the next).
   */
  public double[] toBbox() {
    int m = (counts.length / 2) * 2;
    if (m == 0 || height == 0) {
      return new double[4];
    }
    if ((long) height * width >= Integer.MAX_VALUE) {
      return toBboxUnsigned();
    }
    // The common case in int arithmetic (much faster divisions than long).
    int h = height;
    int xs = width;
    int ys = h;
    int xe = 0;
    int ye = 0;
    int cc = 0;
    int xp = 0;
    for (int j = 0; j < m; j++) {
      cc += counts[j];
      int t = cc - (j & 1);
      if (t < 0 || cc < 0) {
        return toBboxUnsigned(); // zero-length runs at the start: C's unsigned wrap-around
      }
      int x = t / h;
      int y = t - x * h;
      if ((j & 1) == 0) {
        xp = x;
      } else if (xp < x) {
        ys = 0;
        ye = h - 1;
      }
      xs = Math.min(xs, x);
      xe = Math.max(xe, x);
      ys = Math.min(ys, y);
      ye = Math.max(ye, y);
    }
    return new double[] {xs, ys, xe - xs + 1, ye - ys + 1};
  }

  /** {@link #toBbox()} with pycocotools' unsigned 32-bit arithmetic, wrap-around included. */
  private double[] toBboxUnsigned() {
    long h = height & 0xffffffffL;
    int m = (counts.length / 2) * 2;
    if (m == 0 || h == 0) {
      return new double[4];
    }
    long xs = width;
    long ys = h;
    long xe = 0;
    long ye = 0;
    long cc = 0;
    long xp = 0;
    for (int j = 0; j < m; j++) {
      cc = (cc + (counts[j] & 0xffffffffL)) & 0xffffffffL;
      long t = (cc - (j % 2)) & 0xffffffffL;
      long y = t % h;
      long x = (t - y) / h;
      if (j % 2 == 0) {
        xp = x;
      } else if (xp < x) {
        ys = 0;
        ye = h - 1;
      }
      xs = Math.min(xs, x);
      xe = Math.max(xe, x);
      ys = Math.min(ys, y);
      ye = Math.max(ye, y);
    }
    return new double[] {xs, ys, xe - xs + 1, ye - ys + 1};
  }

  /** The union ({@code intersect == false}) or intersection of masks of equal size. */
  public static Rle merge(List<Rle> masks, boolean intersect) {
    if (masks.isEmpty()) {
      return new Rle(0, 0, new int[0]);
    }
    Rle first = masks.get(0);
    if (masks.size() == 1) {
      return first;
    }
    int h = first.height;
    int w = first.width;
    int[] current = first.counts;
    int currentLength = current.length;
    for (int i = 1; i < masks.size(); i++) {
      Rle b = masks.get(i);
      if (b.height != h || b.width != w) {
        return new Rle(0, 0, new int[0]);
      }
      int[] out = new int[currentLength + b.counts.length + 1];
      int m = 0;
      long ca = current[0] & 0xffffffffL;
      long cb = b.counts[0] & 0xffffffffL;
      boolean va = false;
      boolean vb = false;
      boolean v = false;
      int ia = 1;
      int ib = 1;
      long cc = 0;
      long remaining = 1;
      while (remaining > 0) {
        long c = Math.min(ca, cb);
        cc += c;
        remaining = 0;
        ca -= c;
        if (ca == 0 && ia < currentLength) {
          ca = current[ia++] & 0xffffffffL;
          va = !va;
        }
        remaining += ca;
        cb -= c;
        if (cb == 0 && ib < b.counts.length) {
          cb = b.counts[ib++] & 0xffffffffL;
          vb = !vb;
        }
        remaining += cb;
        boolean previous = v;
        v = intersect ? (va && vb) : (va || vb);
        if (v != previous || remaining == 0) {
          out[m++] = (int) cc;
          cc = 0;
        }
      }
      current = out;
      currentLength = m;
    }
    return new Rle(h, w, Arrays.copyOf(current, currentLength));
  }

  /** Number of pixels in both masks (which must have the same size). */
  public static long intersectionArea(Rle a, Rle b) {
    int[] ac = a.counts;
    int[] bc = b.counts;
    if (ac.length == 0 || bc.length == 0) {
      return 0;
    }
    long ca = ac[0] & 0xffffffffL;
    long cb = bc[0] & 0xffffffffL;
    boolean va = false;
    boolean vb = false;
    int ia = 1;
    int ib = 1;
    long inter = 0;
    long remaining = 1;
    while (remaining > 0) {
      long c = Math.min(ca, cb);
      if (va && vb) {
        inter += c;
      }
      remaining = 0;
      ca -= c;
      if (ca == 0 && ia < ac.length) {
        ca = ac[ia++] & 0xffffffffL;
        va = !va;
      }
      remaining += ca;
      cb -= c;
      if (cb == 0 && ib < bc.length) {
        cb = bc[ib++] & 0xffffffffL;
        vb = !vb;
      }
      remaining += cb;
    }
    return inter;
  }

  /**
   * Number of common pixels of two masks of the same size among the pixels {@code [from, to)}
   * (column-major indices).
   */
  static long intersectionArea(Rle a, Rle b, long from, long to) {
    int[] ac = a.counts;
    int[] bc = b.counts;
    int ia = 0;
    long posA = 0;
    while (ia < ac.length && posA + (ac[ia] & 0xffffffffL) <= from) {
      posA += ac[ia++] & 0xffffffffL;
    }
    int ib = 0;
    long posB = 0;
    while (ib < bc.length && posB + (bc[ib] & 0xffffffffL) <= from) {
      posB += bc[ib++] & 0xffffffffL;
    }
    if (ia >= ac.length || ib >= bc.length) {
      return 0;
    }
    long remainingA = posA + (ac[ia] & 0xffffffffL) - from;
    long remainingB = posB + (bc[ib] & 0xffffffffL) - from;
    boolean va = (ia & 1) == 1;
    boolean vb = (ib & 1) == 1;
    long pos = from;
    long inter = 0;
    while (pos < to) {
      long c = Math.min(remainingA, remainingB);
      if (va && vb) {
        inter += Math.min(c, to - pos);
      }
      pos += c;
      remainingA -= c;
      if (remainingA == 0) {
        if (++ia >= ac.length) {
          break;
        }
        remainingA = ac[ia] & 0xffffffffL;
        va = !va;
      }
      remainingB -= c;
      if (remainingB == 0) {
        if (++ib >= bc.length) {
          break;
        }
        remainingB = bc[ib] & 0xffffffffL;
        vb = !vb;
      }
    }
    return inter;
  }

  /**
   * Intersection over union of a detection mask and a ground-truth mask, as pycocotools computes
   * it: for a crowd ground truth the union is the detection's area; masks of different sizes give
   * -1; disjoint masks give 0.
   */
  public static double iou(Rle detection, Rle groundTruth, boolean crowd) {
    return iou(detection, detection.toBbox(), detection.area(), groundTruth, groundTruth.toBbox(),
        groundTruth.area(), crowd);
  }

  /**
   * {@link #iou(Rle, Rle, boolean)} with the boxes and areas already computed (the evaluator
   * caches them).
   */
  public static double iou(
      Rle detection,
      double[] detectionBox,
      long detectionArea,
      Rle groundTruth,
      double[] groundTruthBox,
      long groundTruthArea,
      boolean crowd) {
    if (BoxIou.iou(detectionBox, groundTruthBox, false) <= 0) {
      return 0;
    }
    if (detection.height != groundTruth.height || detection.width != groundTruth.width) {
      return -1;
    }
    // Only the columns where both boxes lie can hold common pixels.
    long h = detection.height;
    long firstColumn = (long) Math.max(detectionBox[0], groundTruthBox[0]);
    long lastColumn = (long) Math.min(detectionBox[0] + detectionBox[2],
        groundTruthBox[0] + groundTruthBox[2]) - 1;
    long inter = intersectionArea(detection, groundTruth, firstColumn * h, (lastColumn + 1) * h);
    long union;
    if (inter == 0) {
      union = 1;
    } else if (crowd) {
      union = detectionArea;
    } else {
      union = detectionArea + groundTruthArea - inter;
    }
    return (double) inter / (double) union;
  }

  /** The mask of an axis-aligned box {@code [x, y, w, h]}, rasterised as its 4-corner polygon. */
  public static Rle fromBbox(double[] box, int height, int width) {
    double xs = box[0];
    double ys = box[1];
    double xe = xs + box[2];
    double ye = ys + box[3];
    return PolygonRasterizer.rasterize(new double[] {xs, ys, xs, ye, xe, ye, xe, ys}, height, width);
  }

  /** COCO's compressed string form of the counts (the {@code counts} field of results files). */
  public String toCompressedString() {
    StringBuilder s = new StringBuilder(counts.length * 2);
    for (int i = 0; i < counts.length; i++) {
      long x = counts[i] & 0xffffffffL;
      if (i > 2) {
        x -= counts[i - 2] & 0xffffffffL;
      }
      boolean more = true;
      while (more) {
        int c = (int) (x & 0x1f);
        x >>= 5;
        more = (c & 0x10) != 0 ? x != -1 : x != 0;
        if (more) {
          c |= 0x20;
        }
        s.append((char) (c + 48));
      }
    }
    return s.toString();
  }

  /**
   * Decodes COCO's compressed string counts.
   *
   * @throws IllegalArgumentException when the string holds a character outside the codec's range
   */
  public static Rle fromCompressedString(String s, int height, int width) {
    int[] cnts = new int[s.length()];
    int m = 0;
    int p = 0;
    int n = s.length();
    while (p < n) {
      long x = 0;
      int k = 0;
      boolean more = true;
      while (more) {
        if (p >= n) {
          throw new IllegalArgumentException("truncated compressed RLE string");
        }
        int c = s.charAt(p) - 48;
        if (c < 0 || c > 63) {
          throw new IllegalArgumentException(
              "character '" + s.charAt(p) + "' is not part of the compressed RLE alphabet");
        }
        x |= (long) (c & 0x1f) << (5 * k);
        more = (c & 0x20) != 0;
        p++;
        k++;
        if (!more && (c & 0x10) != 0) {
          x |= -1L << (5 * k);
        }
      }
      if (m > 2) {
        x += cnts[m - 2] & 0xffffffffL;
      }
      cnts[m++] = (int) x;
    }
    return new Rle(height, width, Arrays.copyOf(cnts, m));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Rle r && r.height == height && r.width == width
        && Arrays.equals(r.counts, counts);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * height + width) + Arrays.hashCode(counts);
  }

  @Override
  public String toString() {
    return "Rle[" + height + "x" + width + ", " + counts.length + " runs, area " + area() + "]";
  }
}
