package io.ticketlab.data.coco;

import java.util.Arrays;

/**
 * Turns a polygon {@code [x1, y1, x2, y2, ...]} (pixel coordinates, pixel centres at integer + 0.5
 * not assumed) into an {@link Rle} mask with exactly the bits pycocotools produces.
 *
 * <p>The method (pycocotools' documented behaviour): the vertices are scaled by 5 and rounded; the
 * outline is walked densely, one point per step along the major axis of each edge; every point
 * where the outline crosses from one column of the 5× grid to the next and lands on a pixel column
 * of the original grid marks where a vertical run starts or ends (its y rounded up after scaling
 * back); sorting those boundary positions in column-major order gives the run lengths directly.
 */
public final class PolygonRasterizer {
  private static final double SCALE = 5;

  private PolygonRasterizer() {}

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
    Boundaries boundaries = new Boundaries(height, width, k);
    // Walk the dense outline edge by edge, in the direction of increasing major coordinate, and
    // hand every pair of consecutive points to the boundary collector.
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
        double slope = dx == 0 ? 0 : (double) (ye - ys) / dx;
        for (int d = 0; d <= dx; d++) {
          int t = flip ? dx - d : d;
          boundaries.point(t + xs, dx == 0 ? ys : (int) (ys + slope * t + .5));
        }
      } else {
        double slope = (double) (xe - xs) / dy;
        for (int d = 0; d <= dy; d++) {
          int t = flip ? dy - d : d;
          boundaries.point((int) (xs + slope * t + .5), t + ys);
        }
      }
    }
    return boundaries.toRle();
  }

  /**
   * Collects the run boundaries from consecutive outline points (in the 5× grid): wherever the
   * column changes and lands on a pixel column, the lower of the two rows, scaled back and
   * rounded up, starts or ends a vertical run.
   */
  private static final class Boundaries {
    private final int height;
    private final int width;
    private long[] positions;
    private int size;
    private boolean first = true;
    private int previousU;
    private int previousV;

    Boundaries(int height, int width, int vertices) {
      this.height = height;
      this.width = width;
      this.positions = new long[Math.max(16, 2 * vertices)];
    }

    void point(int u, int v) {
      if (first) {
        first = false;
      } else if (u != previousU) {
        double xd = u < previousU ? u : u - 1;
        xd = (xd + .5) / SCALE - .5;
        if (Math.floor(xd) == xd && xd >= 0 && xd <= width - 1) {
          double yd = Math.min(v, previousV);
          yd = (yd + .5) / SCALE - .5;
          if (yd < 0) {
            yd = 0;
          } else if (yd > height) {
            yd = height;
          }
          yd = Math.ceil(yd);
          add((long) (int) xd * height + (int) yd);
        }
      }
      previousU = u;
      previousV = v;
    }

    private void add(long position) {
      if (size == positions.length) {
        positions = Arrays.copyOf(positions, size * 2);
      }
      positions[size++] = position;
    }

    Rle toRle() {
      add((long) height * width);
      long[] b = positions;
      int n = size;
      Arrays.sort(b, 0, n);
      long previous = 0;
      for (int j = 0; j < n; j++) {
        long t = b[j];
        b[j] -= previous;
        previous = t;
      }
      int[] runs = new int[n];
      int r = 0;
      int j = 0;
      runs[r++] = (int) b[j++];
      while (j < n) {
        if (b[j] > 0) {
          runs[r++] = (int) b[j++];
        } else {
          j++;
          if (j < n) {
            runs[r - 1] += (int) b[j++];
          }
        }
      }
      return new Rle(height, width, Arrays.copyOf(runs, r));
    }
  }

  /** Rasterises several polygons of one object and merges them (union), as COCO does. */
  public static Rle rasterize(java.util.List<double[]> polygons, int height, int width) {
    java.util.List<Rle> parts = new java.util.ArrayList<>(polygons.size());
    for (double[] p : polygons) {
      parts.add(rasterize(p, height, width));
    }
    return Rle.merge(parts, false);
  }
}
