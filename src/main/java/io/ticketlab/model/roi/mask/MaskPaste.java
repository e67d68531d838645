package io.ticketlab.model.roi.mask;

import io.ticketlab.data.coco.Rle;

/**
 * Predicted M×M mask probabilities into full-image masks, torchvision 0.14's {@code
 * paste_masks_in_image} (padding 1): the mask is padded by one zero pixel on each side, its box
 * scaled about its centre by {@code (M + 2) / M} and truncated to integer pixels, the padded mask
 * resized bilinearly ({@code align_corners = false}) to the box's {@code (x2 − x1 + 1) × (y2 − y1 +
 * 1)} pixels and written into a zero image of the original size, clipped at its borders. Then
 * {@link #toRle} thresholds at 0.5 (strictly above, as torchvision's COCO evaluation) and encodes
 * COCO's RLE for results files. Pure Java, float32 arithmetic.
 */
public final class MaskPaste {
  /** The probability above which a pixel belongs to the mask (torchvision's {@code masks > 0.5}). */
  public static final float THRESHOLD = 0.5f;

  private MaskPaste() {}

  /**
   * Pastes one mask.
   *
   * @param mask row-major {@code m × m} probabilities
   * @param boxes boxes (x1, y1, x2, y2) in the pixels of the image; the mask's is {@code index}
   * @return row-major {@code imageHeight × imageWidth} probabilities (0 outside the box)
   */
  public static float[] paste(float[] mask, int m, float[] boxes, int index, int imageHeight, int imageWidth) {
    if (mask.length != m * m) {
      throw new IllegalArgumentException("mask of " + mask.length + " values is not " + m + "×" + m);
    }
    int padded = m + 2;
    float[] src = new float[padded * padded];
    for (int y = 0; y < m; y++) {
      System.arraycopy(mask, y * m, src, (y + 1) * padded + 1, m);
    }
    float scale = (float) ((double) padded / m);
    float x1 = boxes[4 * index];
    float y1 = boxes[4 * index + 1];
    float x2 = boxes[4 * index + 2];
    float y2 = boxes[4 * index + 3];
    float wHalf = (x2 - x1) * 0.5f * scale;
    float hHalf = (y2 - y1) * 0.5f * scale;
    float xc = (x2 + x1) * 0.5f;
    float yc = (y2 + y1) * 0.5f;
    long bx0 = (long) (xc - wHalf);
    long by0 = (long) (yc - hHalf);
    long bx1 = (long) (xc + wHalf);
    long by1 = (long) (yc + hHalf);
    int w = (int) Math.max(bx1 - bx0 + 1, 1);
    int h = (int) Math.max(by1 - by0 + 1, 1);
    float[] out = new float[imageHeight * imageWidth];
    long x0 = Math.max(bx0, 0);
    long xEnd = Math.min(bx1 + 1, imageWidth);
    long y0 = Math.max(by0, 0);
    long yEnd = Math.min(by1 + 1, imageHeight);
    if (x0 >= xEnd || y0 >= yEnd) {
      return out;
    }
    Linear rows = Linear.of(padded, h);
    Linear cols = Linear.of(padded, w);
    for (long y = y0; y < yEnd; y++) {
      int r = (int) (y - by0);
      int r0 = rows.index0[r] * padded;
      int r1 = rows.index1[r] * padded;
      float h0 = rows.lambda0[r];
      float h1 = rows.lambda1[r];
      for (long x = x0; x < xEnd; x++) {
        int c = (int) (x - bx0);
        int c0 = cols.index0[c];
        int c1 = cols.index1[c];
        float w0 = cols.lambda0[c];
        float w1 = cols.lambda1[c];
        out[(int) (y * imageWidth + x)] =
            h0 * (w0 * src[r0 + c0] + w1 * src[r0 + c1]) + h1 * (w0 * src[r1 + c0] + w1 * src[r1 + c1]);
      }
    }
    return out;
  }

  /**
   * COCO's RLE of a pasted mask thresholded at {@link #THRESHOLD} (pixels strictly above are
   * foreground), as torchvision's reference evaluation writes segmentation results.
   *
   * @param probabilities row-major {@code height × width}
   */
  public static Rle toRle(float[] probabilities, int height, int width) {
    if (probabilities.length != height * width) {
      throw new IllegalArgumentException(
          "mask of " + probabilities.length + " values is not " + height + "×" + width);
    }
    byte[] columnMajor = new byte[height * width];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        if (probabilities[y * width + x] > THRESHOLD) {
          columnMajor[x * height + y] = 1;
        }
      }
    }
    return Rle.encode(columnMajor, height, width);
  }

  /** PyTorch's bilinear source indices and weights ({@code align_corners = false}) for one axis. */
  private record Linear(int[] index0, int[] index1, float[] lambda0, float[] lambda1) {
    static Linear of(int in, int out) {
      float scale = (float) in / (float) out;
      int[] i0 = new int[out];
      int[] i1 = new int[out];
      float[] l0 = new float[out];
      float[] l1 = new float[out];
      for (int i = 0; i < out; i++) {
        float src = scale * (i + 0.5f) - 0.5f;
        if (src < 0) {
          src = 0;
        }
        i0[i] = (int) src;
        i1[i] = i0[i] + (i0[i] < in - 1 ? 1 : 0);
        l1[i] = Math.min(Math.max(src - i0[i], 0f), 1f);
        l0[i] = 1f - l1[i];
      }
      return new Linear(i0, i1, l0, l1);
    }
  }
}
