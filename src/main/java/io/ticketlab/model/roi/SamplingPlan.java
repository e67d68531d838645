package io.ticketlab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
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
   * map's manager.
   *
   * <p>RoIAlign is linear in the features: the plan is a sparse matrix {@code P} of
   * {@code [K·bins, rows]} with at most {@code samplesPerBin} entries per bin, and the pooled
   * features are {@code P · table} for the channels-last table {@code [rows, C]}. The engine
   * multiplies a sparse COO matrix by a dense one without materialising the sampled rows, and its
   * backward ({@code Pᵀ · grad}) loops over the entries in order, so it is deterministic. The
   * matrix's indices and values are copied into engine-owned memory (a Java-backed array must not
   * be freed while autograd holds it).
   */
  NDArray apply(List<NDArray> maps) {
    NDArray first = maps.get(0);
    NDManager owner = first.getManager();
    long channels = first.getShape().get(1);
    int bins = outH * outW;
    if (roiCount == 0) {
      return owner.zeros(new Shape(0, channels, outH, outW), first.getDataType(), first.getDevice());
    }
    long tableRows = 0;
    for (NDArray m : maps) {
      Shape s = m.getShape();
      tableRows += s.get(0) * s.get(2) * s.get(3);
    }
    int nnz = 0;
    for (float w : weights) {
      if (w != 0f) {
        nnz++;
      }
    }
    long[] coordinates = new long[2 * Math.max(nnz, 1)];
    float[] values = new float[Math.max(nnz, 1)];
    int at = 0;
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] != 0f) {
        coordinates[at] = i / samplesPerBin;
        coordinates[nnz + at] = rows[i];
        values[at++] = weights[i];
      }
    }
    if (nnz == 0) {
      // every sample outside the maps: a single explicit zero keeps the product's shape and graph
      coordinates[0] = 0;
      coordinates[1] = 0;
      values[0] = 0f;
    }
    int entries = Math.max(nnz, 1);
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
      NDArray index = scratch.create(coordinates, new Shape(2, entries));
      NDArray value = scratch.create(values, new Shape(entries));
      // engine-owned copies: the sparse matrix shares their storage and autograd keeps it
      // (duplicate() is a clone in the engine; toDevice/toType with copy=true may share storage)
      NDArray ownIndex = index.toDevice(table.getDevice(), false).duplicate();
      NDArray ownValue = value.toType(table.getDataType(), false).toDevice(table.getDevice(), false).duplicate();
      NDArray matrix =
          JniUtils.createSparseCoo(
              (PtNDArray) ownIndex, (PtNDArray) ownValue, new Shape((long) roiCount * bins, tableRows));
      matrix.attach(scratch);
      NDArray out =
          matrix
              .matMul(table)
              .reshape(roiCount, bins, channels)
              .transpose(0, 2, 1)
              .reshape(roiCount, channels, outH, outW);
      out.attach(owner);
      return out;
    }
  }
}
