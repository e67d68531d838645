package io.ticketlab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * Where and with which weights RoIAlign reads a feature table: for every output bin of every RoI,
 * {@code samplesPerBin} (row, weight) pairs into a channels-last table {@code [rows, C]} that holds
 * one or more feature maps. Bins with fewer samples are padded with weight 0.
 *
 * <p>Positions follow torchvision's CPU kernel ({@code roi_align_kernel.cpp}, 0.14) in float32:
 * bin start {@code x1 * scale - offset} (offset 0.5 when aligned), RoI size clamped to ≥ 1 when not
 * aligned, {@code grid = samplingRatio > 0 ? samplingRatio : ceil(roiSize / outputSize)},
 * samples outside {@code [-1, H] × [-1, W]} contribute 0, coordinates ≤ 0 read at 0, and those at or
 * past the last row/column read it with weight 1; the bin value is the sum divided by
 * {@code max(gridH * gridW, 1)}.
 */
final class SamplingPlan {
  /** Upper bound on gathered floats per engine call; larger requests are split into RoI chunks. */
  private static final long CHUNK_FLOATS = 1L << 24;

  final int roiCount;
  final int outH;
  final int outW;
  final int samplesPerBin;
  final long[] rows;
  final float[] weights;

  private SamplingPlan(int roiCount, int outH, int outW, int samplesPerBin, long[] rows, float[] weights) {
    this.roiCount = roiCount;
    this.outH = outH;
    this.outW = outW;
    this.samplesPerBin = samplesPerBin;
    this.rows = rows;
    this.weights = weights;
  }

  /**
   * Builds the plan.
   *
   * @param rois {@code K × 5} values (batch index, x1, y1, x2, y2) in image coordinates
   * @param level feature map of each RoI (index into the level arrays); negative: output zeros
   * @param rowOffset first table row of each level; a level's rows are {@code (b * H + y) * W + x}
   * @param heights map height of each level
   * @param widths map width of each level
   * @param scales spatial scale of each level
   */
  static SamplingPlan build(
      float[] rois,
      int[] level,
      long[] rowOffset,
      int[] heights,
      int[] widths,
      float[] scales,
      int outH,
      int outW,
      int samplingRatio,
      boolean aligned) {
    int k = rois.length / 5;
    float offset = aligned ? 0.5f : 0f;
    float[] startH = new float[k];
    float[] startW = new float[k];
    float[] binH = new float[k];
    float[] binW = new float[k];
    int[] gridH = new int[k];
    int[] gridW = new int[k];
    int maxGrid = 1;
    for (int r = 0; r < k; r++) {
      if (level[r] < 0) {
        continue;
      }
      float scale = scales[level[r]];
      startW[r] = rois[5 * r + 1] * scale - offset;
      startH[r] = rois[5 * r + 2] * scale - offset;
      float roiW = (rois[5 * r + 3] * scale - offset) - startW[r];
      float roiH = (rois[5 * r + 4] * scale - offset) - startH[r];
      if (!aligned) {
        roiW = Math.max(roiW, 1f);
        roiH = Math.max(roiH, 1f);
      }
      binH[r] = roiH / outH;
      binW[r] = roiW / outW;
      gridH[r] = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(roiH / outH);
      gridW[r] = samplingRatio > 0 ? samplingRatio : (int) Math.ceil(roiW / outW);
      maxGrid = Math.max(maxGrid, gridH[r] * gridW[r]);
    }
    int s = 4 * maxGrid;
    long total = (long) k * outH * outW * s;
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "RoIAlign plan too large: " + k + " RoIs × " + outH + "×" + outW + " bins × " + s
              + " samples (use a positive sampling ratio)");
    }
    long[] rows = new long[(int) total];
    float[] weights = new float[(int) total];
    float[] ys = new float[4];
    int[] yLo = new int[2];
    for (int r = 0; r < k; r++) {
      int l = level[r];
      if (l < 0) {
        continue;
      }
      int height = heights[l];
      int width = widths[l];
      long base = rowOffset[l] + (long) rois[5 * r] * height * width;
      float count = Math.max(gridH[r] * gridW[r], 1);
      for (int ph = 0; ph < outH; ph++) {
        for (int pw = 0; pw < outW; pw++) {
          int at = ((r * outH + ph) * outW + pw) * s;
          for (int iy = 0; iy < gridH[r]; iy++) {
            float y = startH[r] + ph * binH[r] + (iy + .5f) * binH[r] / gridH[r];
            for (int ix = 0; ix < gridW[r]; ix++) {
              float x = startW[r] + pw * binW[r] + (ix + .5f) * binW[r] / gridW[r];
              if (y < -1.0f || y > height || x < -1.0f || x > width) {
                at += 4;
                continue;
              }
              float yy = y <= 0 ? 0 : y;
              float xx = x <= 0 ? 0 : x;
              int y0 = (int) yy;
              int x0 = (int) xx;
              int y1;
              int x1;
              if (y0 >= height - 1) {
                y0 = y1 = height - 1;
                yy = y0;
              } else {
                y1 = y0 + 1;
              }
              if (x0 >= width - 1) {
                x0 = x1 = width - 1;
                xx = x0;
              } else {
                x1 = x0 + 1;
              }
              float ly = yy - y0;
              float lx = xx - x0;
              float hy = 1f - ly;
              float hx = 1f - lx;
              rows[at] = base + (long) y0 * width + x0;
              weights[at++] = hy * hx / count;
              rows[at] = base + (long) y0 * width + x1;
              weights[at++] = hy * lx / count;
              rows[at] = base + (long) y1 * width + x0;
              weights[at++] = ly * hx / count;
              rows[at] = base + (long) y1 * width + x1;
              weights[at++] = ly * lx / count;
            }
          }
        }
      }
    }
    return new SamplingPlan(k, outH, outW, s, rows, weights);
  }

  /**
   * Applies the plan to feature maps [N, C, H_l, W_l] (the levels of the plan, in order):
   * returns {@code [K, C, outH, outW]}, differentiable w.r.t. the maps and attached to the first
   * map's manager. The channels-last table and gathered rows live in a scratch manager closed
   * before returning (autograd keeps its own references to engine memory); the indices and weights
   * wrap Java buffers that closing would free under autograd, so the first map's manager owns
   * them. The gather runs in chunks of RoIs so the transient rows stay below about 64 MiB.
   */
  NDArray apply(List<NDArray> maps) {
    NDArray first = maps.get(0);
    NDManager owner = first.getManager();
    long channels = first.getShape().get(1);
    int bins = outH * outW;
    if (roiCount == 0) {
      return owner.zeros(new Shape(0, channels, outH, outW), first.getDataType(), first.getDevice());
    }
    long perRoi = (long) bins * samplesPerBin * channels;
    int chunk = (int) Math.max(1, Math.min(roiCount, CHUNK_FLOATS / Math.max(1, perRoi)));
    try (NDManager scratch = owner.newSubManager()) {
      NDList tables = new NDList();
      for (NDArray m : maps) {
        Shape s = m.getShape();
        NDArray t = m.transpose(0, 2, 3, 1).reshape(s.get(0) * s.get(2) * s.get(3), s.get(1));
        t.attach(scratch);
        tables.add(t);
      }
      NDArray table = tables.size() == 1 ? tables.singletonOrThrow() : NDArrays.concat(tables, 0);
      table.attach(scratch);
      NDList parts = new NDList();
      for (int firstRoi = 0; firstRoi < roiCount; firstRoi += chunk) {
        int n = Math.min(chunk, roiCount - firstRoi);
        int from = firstRoi * bins * samplesPerBin;
        int len = n * bins * samplesPerBin;
        // index and weights wrap Java memory that autograd keeps for the backward pass: they must
        // outlive this call (closing them with the scratch manager frees that memory), so the
        // owner holds them
        NDArray index =
            owner.create(Arrays.copyOfRange(rows, from, from + len)).toDevice(table.getDevice(), false);
        NDArray weight =
            owner
                .create(Arrays.copyOfRange(weights, from, from + len), new Shape((long) n * bins, 1, samplesPerBin))
                .toType(table.getDataType(), false)
                .toDevice(table.getDevice(), false);
        NDArray gathered =
            table.get(owner, new NDIndex("{}", index)).reshape((long) n * bins, samplesPerBin, channels);
        NDArray part =
            weight
                .matMul(gathered)
                .reshape(n, bins, channels)
                .transpose(0, 2, 1)
                .reshape(n, channels, outH, outW);
        parts.add(part);
      }
      NDArray out = parts.size() == 1 ? parts.singletonOrThrow() : NDArrays.concat(parts, 0);
      out.attach(owner);
      return out;
    }
  }
}
