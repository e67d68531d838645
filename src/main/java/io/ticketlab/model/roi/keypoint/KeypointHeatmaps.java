package io.ticketlab.model.roi.keypoint;

/**
 * Keypoints ↔ heatmaps of Keypoint R-CNN, torchvision 0.14's {@code keypoints_to_heatmap} (training
 * targets) and {@code heatmaps_to_keypoints} (inference), in plain Java with torchvision's float32
 * arithmetic. Coordinates are pixels of the (resized) image the boxes belong to.
 */
public final class KeypointHeatmaps {
  private KeypointHeatmaps() {}

  /**
   * Training targets of R RoIs: per RoI and keypoint the index {@code y · size + x} of the heatmap
   * cell that holds it, and whether it is valid (visibility > 0 and inside the RoI).
   *
   * @param index R×P cell indices, 0 where not valid
   * @param valid R×P flags
   */
  public record Targets(int[] index, boolean[] valid) {
    public int validCount() {
      int n = 0;
      for (boolean v : valid) {
        n += v ? 1 : 0;
      }
      return n;
    }
  }

  /**
   * Decoded keypoints of R RoIs.
   *
   * @param keypoints R×P×3 (x, y, 1)
   * @param scores R×P heatmap values at the keypoints (the maxima of the resized heatmaps)
   */
  public record Decoded(float[] keypoints, float[] scores) {}

  /**
   * torchvision's {@code keypoints_to_heatmap}: keypoint x maps to {@code floor((x − x1) · (size /
   * (x2 − x1)))} (the scale computed as PyTorch's {@code size / t}, i.e. {@code reciprocal(t) ·
   * size}), a keypoint exactly on the right (bottom) edge to {@code size − 1}; valid when both cells
   * are in {@code [0, size)} and the visibility is > 0.
   *
   * @param keypoints R×P×3 ground-truth keypoints (x, y, visibility) of each RoI's matched instance
   * @param rois R×4 boxes (x1, y1, x2, y2)
   * @param numKeypoints P
   * @param size heatmap side (56)
   */
  public static Targets toHeatmap(float[] keypoints, float[] rois, int numKeypoints, int size) {
    int r = rois.length / 4;
    if (rois.length != 4 * r || keypoints.length != 3 * numKeypoints * r) {
      throw new IllegalArgumentException(
          keypoints.length + " keypoint values for " + rois.length / 4.0 + " RoIs of " + numKeypoints + " keypoints");
    }
    int[] index = new int[r * numKeypoints];
    boolean[] valid = new boolean[r * numKeypoints];
    for (int i = 0; i < r; i++) {
      float x1 = rois[4 * i];
      float y1 = rois[4 * i + 1];
      float x2 = rois[4 * i + 2];
      float y2 = rois[4 * i + 3];
      float scaleX = (1f / (x2 - x1)) * size;
      float scaleY = (1f / (y2 - y1)) * size;
      for (int p = 0; p < numKeypoints; p++) {
        int at = i * numKeypoints + p;
        float kx = keypoints[3 * at];
        float ky = keypoints[3 * at + 1];
        long x = (long) Math.floor((kx - x1) * scaleX);
        long y = (long) Math.floor((ky - y1) * scaleY);
        if (kx == x2) {
          x = size - 1;
        }
        if (ky == y2) {
          y = size - 1;
        }
        // PyTorch turns a NaN coordinate into INT64_MIN (invalid); Java's cast would give 0
        boolean finite = !Float.isNaN((kx - x1) * scaleX) && !Float.isNaN((ky - y1) * scaleY);
        boolean ok = finite && x >= 0 && y >= 0 && x < size && y < size && keypoints[3 * at + 2] > 0;
        valid[at] = ok;
        index[at] = ok ? (int) (y * size + x) : 0;
      }
    }
    return new Targets(index, valid);
  }

  /**
   * torchvision's {@code heatmaps_to_keypoints}: each RoI's K heatmaps are resized bicubically
   * ({@link Bicubic}) to {@code ceil(w) × ceil(h)} pixels (w, h the box size clamped to ≥ 1), the
   * first maximum of each gives the keypoint at {@code x1 + (col + 0.5) · w / ceil(w)} (likewise
   * y), its value the score.
   *
   * @param maps R×K×size×size heatmap logits
   * @param rois R×4 boxes (x1, y1, x2, y2)
   */
  public static Decoded toKeypoints(float[] maps, float[] rois, int numKeypoints, int size) {
    int r = rois.length / 4;
    int per = numKeypoints * size * size;
    if (rois.length != 4 * r || maps.length != r * per) {
      throw new IllegalArgumentException(
          maps.length + " heatmap values for " + rois.length / 4.0 + " RoIs of " + numKeypoints + " maps of "
              + size + "×" + size);
    }
    float[] keypoints = new float[3 * r * numKeypoints];
    float[] scores = new float[r * numKeypoints];
    for (int i = 0; i < r; i++) {
      float x1 = rois[4 * i];
      float y1 = rois[4 * i + 1];
      float width = Math.max(rois[4 * i + 2] - x1, 1f);
      float height = Math.max(rois[4 * i + 3] - y1, 1f);
      int mapWidth = (int) Math.ceil(width);
      int mapHeight = (int) Math.ceil(height);
      float widthCorrection = width / mapWidth;
      float heightCorrection = height / mapHeight;
      float[] one = new float[per];
      System.arraycopy(maps, i * per, one, 0, per);
      float[] resized = Bicubic.resize(one, numKeypoints, size, size, mapHeight, mapWidth);
      int cells = mapHeight * mapWidth;
      for (int k = 0; k < numKeypoints; k++) {
        int base = k * cells;
        int best = 0;
        float max = resized[base];
        for (int c = 1; c < cells; c++) {
          if (resized[base + c] > max) {
            max = resized[base + c];
            best = c;
          }
        }
        int col = best % mapWidth;
        int row = best / mapWidth;
        int at = i * numKeypoints + k;
        keypoints[3 * at] = ((float) col + 0.5f) * widthCorrection + x1;
        keypoints[3 * at + 1] = ((float) row + 0.5f) * heightCorrection + y1;
        keypoints[3 * at + 2] = 1f;
        scores[at] = max;
      }
    }
    return new Decoded(keypoints, scores);
  }
}
