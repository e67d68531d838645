package io.ticketlab.model.rpn;

import java.util.Arrays;

/**
 * torchvision's {@code AnchorGenerator}: per feature level, "cell" anchors centred on 0 for every
 * (aspect ratio, size) pair — {@code h = size·sqrt(r)}, {@code w = size/sqrt(r)}, corners {@code
 * (±w/2, ±h/2)} rounded half to even — shifted to every position of the level's grid by its stride
 * ({@code padded image size // grid size}). Anchors are ordered by level, then row, column, cell
 * anchor; float32 arithmetic as torchvision's.
 */
public final class AnchorGenerator {
  private final int[][] sizes;
  private final float[][] aspectRatios;
  private final float[][] cellAnchors;

  /**
   * @param sizes anchor sizes (pixels) of each level
   * @param aspectRatios height/width ratios of each level
   */
  public AnchorGenerator(int[][] sizes, float[][] aspectRatios) {
    if (sizes.length != aspectRatios.length || sizes.length == 0) {
      throw new IllegalArgumentException(
          "Anchor sizes and aspect ratios need one entry per level: "
              + sizes.length
              + " vs "
              + aspectRatios.length);
    }
    this.sizes = deepCopy(sizes);
    this.aspectRatios = new float[aspectRatios.length][];
    this.cellAnchors = new float[sizes.length][];
    for (int l = 0; l < sizes.length; l++) {
      this.aspectRatios[l] = aspectRatios[l].clone();
      cellAnchors[l] = cellAnchors(sizes[l], aspectRatios[l]);
    }
  }

  /** The FPN generator of torchvision's Faster R-CNN: sizes 32..512 by level, ratios 0.5, 1, 2. */
  public static AnchorGenerator fpnDefault() {
    int[][] sizes = {{32}, {64}, {128}, {256}, {512}};
    float[][] ratios = new float[5][];
    Arrays.fill(ratios, new float[] {0.5f, 1f, 2f});
    return new AnchorGenerator(sizes, ratios);
  }

  /**
   * The paper's VOC generator (jwyang/faster-rcnn.pytorch scales 8, 16, 32 at stride 16): one
   * level, sizes 128, 256, 512, ratios 0.5, 1, 2 — 9 anchors per location, placed as torchvision's.
   */
  public static AnchorGenerator c4Default() {
    return new AnchorGenerator(new int[][] {{128, 256, 512}}, new float[][] {{0.5f, 1f, 2f}});
  }

  public int numLevels() {
    return sizes.length;
  }

  /** Cell anchors at each location of {@code level}. */
  public int numAnchorsPerLocation(int level) {
    return sizes[level].length * aspectRatios[level].length;
  }

  /** Cell anchors of {@code level}, 4 floats each, ratio-major as torchvision. */
  public float[] cellAnchors(int level) {
    return cellAnchors[level].clone();
  }

  private static float[] cellAnchors(int[] scales, float[] ratios) {
    float[] out = new float[4 * scales.length * ratios.length];
    int k = 0;
    for (float r : ratios) {
      float hRatio = (float) Math.sqrt(r);
      float wRatio = 1f / hRatio;
      for (int s : scales) {
        float w = wRatio * s;
        float h = hRatio * s;
        out[k++] = (float) Math.rint(-w / 2f);
        out[k++] = (float) Math.rint(-h / 2f);
        out[k++] = (float) Math.rint(w / 2f);
        out[k++] = (float) Math.rint(h / 2f);
      }
    }
    return out;
  }

  /** Number of anchors of a level with a {@code gridHeight × gridWidth} feature map. */
  public int numAnchors(int level, int gridHeight, int gridWidth) {
    return gridHeight * gridWidth * numAnchorsPerLocation(level);
  }

  /**
   * The anchors of one image of a batch padded to {@code imageHeight × imageWidth} whose feature
   * maps have {@code gridSizes[level] = {height, width}}: 4 floats an anchor, all levels in order.
   * Every image of a batch has the same anchors.
   */
  public float[] anchors(int imageHeight, int imageWidth, int[][] gridSizes) {
    if (gridSizes.length != sizes.length) {
      throw new IllegalArgumentException(
          "Anchors configured for " + sizes.length + " feature levels, got " + gridSizes.length);
    }
    int total = 0;
    for (int l = 0; l < gridSizes.length; l++) {
      total += numAnchors(l, gridSizes[l][0], gridSizes[l][1]);
    }
    float[] out = new float[4 * total];
    int k = 0;
    for (int l = 0; l < gridSizes.length; l++) {
      int gh = gridSizes[l][0];
      int gw = gridSizes[l][1];
      long strideY = imageHeight / gh;
      long strideX = imageWidth / gw;
      float[] cell = cellAnchors[l];
      for (int y = 0; y < gh; y++) {
        float sy = y * strideY;
        for (int x = 0; x < gw; x++) {
          float sx = x * strideX;
          for (int a = 0; a < cell.length; a += 4) {
            out[k++] = sx + cell[a];
            out[k++] = sy + cell[a + 1];
            out[k++] = sx + cell[a + 2];
            out[k++] = sy + cell[a + 3];
          }
        }
      }
    }
    return out;
  }

  private static int[][] deepCopy(int[][] a) {
    int[][] out = new int[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].clone();
    }
    return out;
  }
}
