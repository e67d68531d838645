package io.ticketlab.data.coco;

import java.util.Arrays;

/**
 * The first, straightforward version of {@link PolygonRasterizer}, kept as a reference for its
 * property test. Turns a polygon {@code [x1, y1, x2, y2, ...]} (pixel coordinates, pixel centres at integer + 0.5
 * not assumed) into an {@link Rle} mask with exactly the bits pycocotools produces.
 *
 * <p>The method (pycocotools' documented behaviour): the vertices are scaled by 5 and rounded; the
 * outline is walked densely, one point per step along the major axis of each edge; every point
 * where the outline crosses from one column of the 5× grid to the next and lands on a pixel column
 * of the original grid marks where a vertical run starts or ends (its y rounded up after scaling
 * back); sorting those boundary positions in column-major order gives the run lengths directly.
 */
final class ReferencePolygonRasterizer {
  private static final double SCALE = 5;

  private ReferencePolygonRasterizer() {}

  /**
   * Rasterises one polygon of {@code xy.length / 2} vertices onto an {@code height × width} grid.
   */
  public static Rle rasterize(double[] xy, int height, int width) {
    int k = xy.length / 2;
    int[] x = new int[k + 1];
    int[] y = new int[k + 1];
    for (int j = 0; j < k; j++) {
      x[j] = (int) (SCALE * xy[2 * j] + .5);
      y[j] = (int) (SCALE * xy[2 * j + 1] + .5);
    }
    x[k] = x[0];
    y[k] = y[0];
    long pointCount = 0;
    for (int j = 0; j < k; j++) {
      pointCount += Math.max(Math.abs(x[j] - x[j + 1]), Math.abs(y[j] - y[j + 1])) + 1L;
    }
    if (pointCount > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("polygon too large to rasterise");
    }
    int[] u = new int[(int) pointCount];
    int[] v = new int[(int) pointCount];
    int m = 0;
    // Dense points along every edge, walked in the direction of increasing major coordinate.
    for (int j = 0; j < k; j++) {
      int xs = x[j];
      int xe = x[j + 1];
      int ys = y[j];
      int ye = y[j + 1];
      int dx = Math.abs(xe - xs);
      int dy = Math.abs(ys - ye);
      boolean flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
      if (flip) {
        int t = xs;
        xs = xe;
        xe = t;
        t = ys;
        ys = ye;
        ye = t;
      }
      if (dx >= dy) {
        double slope = dx == 0 ? Double.NaN : (double) (ye - ys) / dx;
        for (int d = 0; d <= dx; d++) {
          int t = flip ? dx - d : d;
          u[m] = t + xs;
          v[m] = dx == 0 ? (int) (ys + .5) : (int) (ys + slope * t + .5);
          m++;
        }
      } else {
        double slope = (double) (xe - xs) / dy;
        for (int d = 0; d <= dy; d++) {
          int t = flip ? dy - d : d;
          v[m] = t + ys;
          u[m] = (int) (xs + slope * t + .5);
          m++;
        }
      }
    }
    // Column crossings that fall on pixel columns become run boundaries.
    int total = m;
    long[] boundaries = new long[total + 1];
    int b = 0;
    for (int j = 1; j < total; j++) {
      if (u[j] == u[j - 1]) {
        continue;
      }
      double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
      xd = (xd + .5) / SCALE - .5;
      if (Math.floor(xd) != xd || xd < 0 || xd > width - 1) {
        continue;
      }
      double yd = Math.min(v[j], v[j - 1]);
      yd = (yd + .5) / SCALE - .5;
      if (yd < 0) {
        yd = 0;
      } else if (yd > height) {
        yd = height;
      }
      yd = Math.ceil(yd);
      boundaries[b++] = (long) (int) xd * height + (int) yd;
    }
    boundaries[b++] = (long) height * width;
    Arrays.sort(boundaries, 0, b);
    long previous = 0;
    for (int j = 0; j < b; j++) {
      long t = boundaries[j];
      boundaries[j] -= previous;
      previous = t;
    }
    int[] runs = new int[b];
    int r = 0;
    int j = 0;
    runs[r++] = (int) boundaries[j++];
    while (j < b) {
      if (boundaries[j] > 0) {
        runs[r++] = (int) boundaries[j++];
      } else {
        j++;
        if (j < b) {
          runs[r - 1] += (int) boundaries[j++];
        }
      }
    }
    return new Rle(height, width, Arrays.copyOf(runs, r));
  }
}
