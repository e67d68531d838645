package io.ticketlab.data.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Polygon makers for the synthetic classes, in image pixels, centred on the origin (the generator
 * moves them). Each takes the target area in pixels² of the whole (unoccluded, untruncated) shape.
 */
final class Shapes {
  private Shapes() {}

  /** A shape: its polygons (the person's first polygon is the head) and, for a person, 17 (x, y). */
  record Outline(List<double[]> polygons, double[] keypoints) {}

  static Outline rectangle(SplittableRandom rng, double area) {
    double aspect = Math.exp(rng.nextDouble(Math.log(0.45), Math.log(2.2)));
    double w = Math.sqrt(area * aspect);
    double h = area / w;
    double angle = rng.nextBoolean() ? 0 : rng.nextDouble(Math.PI / 2);
    double[] p = {-w / 2, -h / 2, w / 2, -h / 2, w / 2, h / 2, -w / 2, h / 2};
    return new Outline(List.of(rotate(p, angle)), null);
  }

  static Outline ellipse(SplittableRandom rng, double area) {
    double aspect = Math.exp(rng.nextDouble(Math.log(0.5), Math.log(2)));
    double a = Math.sqrt(area * aspect / Math.PI);
    double b = area / (Math.PI * a);
    int n = (int) Math.max(16, Math.min(64, Math.PI * (a + b) / 2));
    double[] p = new double[2 * n];
    for (int i = 0; i < n; i++) {
      double t = 2 * Math.PI * i / n;
      p[2 * i] = a * Math.cos(t);
      p[2 * i + 1] = b * Math.sin(t);
    }
    return new Outline(List.of(rotate(p, rng.nextDouble(Math.PI))), null);
  }

  static Outline triangle(SplittableRandom rng, double area) {
    // An equilateral triangle with jittered vertices, rescaled to the target area.
    double[] p = new double[6];
    for (int i = 0; i < 3; i++) {
      double t = -Math.PI / 2 + 2 * Math.PI * i / 3 + rng.nextDouble(-0.25, 0.25);
      double r = rng.nextDouble(0.85, 1.15);
      p[2 * i] = r * Math.cos(t);
      p[2 * i + 1] = r * Math.sin(t);
    }
    double a = Math.abs(signedArea(p));
    double s = Math.sqrt(area / a);
    for (int i = 0; i < 6; i++) {
      p[i] *= s;
    }
    return new Outline(List.of(rotate(p, rng.nextDouble(2 * Math.PI))), null);
  }

  static Outline star(SplittableRandom rng, double area) {
    int points = 5;
    double ratio = rng.nextDouble(0.42, 0.55);
    // A regular star polygon of outer radius R and inner radius ratio·R has area n·R²·ratio·sin(π/n).
    double outer = Math.sqrt(area / (points * ratio * Math.sin(Math.PI / points)));
    double[] p = new double[4 * points];
    for (int i = 0; i < 2 * points; i++) {
      double t = -Math.PI / 2 + Math.PI * i / points;
      double r = i % 2 == 0 ? outer : outer * ratio;
      p[2 * i] = r * Math.cos(t);
      p[2 * i + 1] = r * Math.sin(t);
    }
    return new Outline(List.of(rotate(p, rng.nextDouble(2 * Math.PI / points))), null);
  }

  /**
   * An articulated stick figure facing the viewer (so its left side is on the image's right, as
   * in COCO), {@code height} pixels from the top of the head to the ankles: a round head, a torso
   * quadrilateral, a neck and eight limb bars; random shoulder, elbow, hip and knee angles and a
   * small lean. Every keypoint lies on the figure's centre lines, inside its polygons.
   */
  static Outline person(SplittableRandom rng, double height) {
    double u = height;
    double width = rng.nextDouble(0.9, 1.1);
    double hr = 0.09 * u;
    double[] head = {0, hr};
    double[][] k = new double[17][];
    k[0] = new double[] {0, hr * 1.3};
    k[1] = new double[] {0.035 * u, hr * 0.85};
    k[2] = new double[] {-0.035 * u, hr * 0.85};
    k[3] = new double[] {0.07 * u, hr};
    k[4] = new double[] {-0.07 * u, hr};
    double shoulderY = 0.23 * u;
    double hipY = 0.55 * u;
    k[5] = new double[] {0.12 * u * width, shoulderY};
    k[6] = new double[] {-0.12 * u * width, shoulderY};
    k[11] = new double[] {0.075 * u * width, hipY};
    k[12] = new double[] {-0.075 * u * width, hipY};
    // Limbs: angle from straight down, positive = away from the body.
    for (int side = 0; side < 2; side++) {
      double sign = side == 0 ? 1 : -1;
      double shoulder = rng.nextDouble(Math.toRadians(10), Math.toRadians(150));
      double elbow = shoulder + rng.nextDouble(Math.toRadians(-100), Math.toRadians(60));
      k[7 + side] = limb(k[5 + side], 0.17 * u, shoulder, sign);
      k[9 + side] = limb(k[7 + side], 0.16 * u, elbow, sign);
      double hip = rng.nextDouble(Math.toRadians(3), Math.toRadians(35));
      double knee = hip + rng.nextDouble(Math.toRadians(-25), Math.toRadians(25));
      k[13 + side] = limb(k[11 + side], 0.23 * u, hip, sign);
      k[15 + side] = limb(k[13 + side], 0.22 * u, knee, sign);
    }
    double thick = Math.max(0.07 * u, 2.2);
    List<double[]> polygons = new ArrayList<>();
    int n = (int) Math.max(12, Math.min(32, 2 * Math.PI * hr / 2));
    double[] circle = new double[2 * n];
    for (int i = 0; i < n; i++) {
      double t = 2 * Math.PI * i / n;
      circle[2 * i] = head[0] + hr * Math.cos(t);
      circle[2 * i + 1] = head[1] + hr * Math.sin(t);
    }
    polygons.add(circle);
    double pad = thick / 2;
    polygons.add(new double[] {
        k[6][0] - pad, k[6][1] - pad, k[5][0] + pad, k[5][1] - pad,
        k[11][0] + pad, k[11][1] + pad, k[12][0] - pad, k[12][1] + pad});
    polygons.add(bar(new double[] {0, 1.8 * hr}, new double[] {0, shoulderY}, thick));
    int[][] bones = {{5, 7}, {7, 9}, {6, 8}, {8, 10}, {11, 13}, {13, 15}, {12, 14}, {14, 16}};
    for (int[] b : bones) {
      polygons.add(bar(k[b[0]], k[b[1]], thick));
    }
    // Lean the whole figure about its hip centre, then centre it on its box.
    double lean = rng.nextDouble(Math.toRadians(-15), Math.toRadians(15));
    double[] keypoints = new double[34];
    for (int i = 0; i < 17; i++) {
      keypoints[2 * i] = k[i][0];
      keypoints[2 * i + 1] = k[i][1] - hipY;
    }
    List<double[]> rotated = new ArrayList<>();
    for (double[] p : polygons) {
      double[] q = p.clone();
      for (int i = 1; i < q.length; i += 2) {
        q[i] -= hipY;
      }
      rotated.add(rotate(q, lean));
    }
    return new Outline(rotated, rotate(keypoints, lean));
  }

  private static double[] limb(double[] from, double length, double angle, double sign) {
    return new double[] {from[0] + sign * length * Math.sin(angle), from[1] + length * Math.cos(angle)};
  }

  /** A rectangle of the given thickness around segment a–b, extended by half its thickness. */
  private static double[] bar(double[] a, double[] b, double thick) {
    double dx = b[0] - a[0];
    double dy = b[1] - a[1];
    double len = Math.max(1e-9, Math.hypot(dx, dy));
    double ux = dx / len * thick / 2;
    double uy = dy / len * thick / 2;
    double nx = -uy;
    double ny = ux;
    return new double[] {
        a[0] - ux + nx, a[1] - uy + ny, b[0] + ux + nx, b[1] + uy + ny,
        b[0] + ux - nx, b[1] + uy - ny, a[0] - ux - nx, a[1] - uy - ny};
  }

  static double[] rotate(double[] xy, double angle) {
    double c = Math.cos(angle);
    double s = Math.sin(angle);
    double[] r = new double[xy.length];
    for (int i = 0; i < xy.length; i += 2) {
      r[i] = c * xy[i] - s * xy[i + 1];
      r[i + 1] = s * xy[i] + c * xy[i + 1];
    }
    return r;
  }

  static double signedArea(double[] p) {
    double a = 0;
    int n = p.length / 2;
    for (int i = 0; i < n; i++) {
      int j = (i + 1) % n;
      a += p[2 * i] * p[2 * j + 1] - p[2 * j] * p[2 * i + 1];
    }
    return a / 2;
  }
}
