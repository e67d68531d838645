package io.ticketlab.model.boxes;

/**
 * torchvision's {@code BoxCoder}: boxes as offsets {@code (dx, dy, dw, dh)} of a reference box,
 * {@code dx = wx (gx - px) / pw}, {@code dw = ww log(gw / pw)}, with the width/height deltas clamped
 * at {@code bboxXformClip} when decoding. The RPN uses weights (1, 1, 1, 1), the RoI heads (10, 10,
 * 5, 5).
 *
 * @param wx weight of x offsets
 * @param wy weight of y offsets
 * @param ww weight of log-width ratios
 * @param wh weight of log-height ratios
 * @param bboxXformClip upper clamp of decoded {@code dw, dh} (torchvision: {@code log(1000/16)})
 */
public record BoxCoder(float wx, float wy, float ww, float wh, double bboxXformClip) {
  /** torchvision's default clamp, {@code math.log(1000.0 / 16)}. */
  public static final double DEFAULT_CLIP = Math.log(1000.0 / 16);

  /** The RPN's coder, weights (1, 1, 1, 1). */
  public static BoxCoder rpn() {
    return new BoxCoder(1f, 1f, 1f, 1f, DEFAULT_CLIP);
  }

  /** The RoI heads' coder, weights (10, 10, 5, 5). */
  public static BoxCoder roiHeads() {
    return new BoxCoder(10f, 10f, 5f, 5f, DEFAULT_CLIP);
  }

  /**
   * Regression targets of {@code matched} boxes against {@code proposals} (same count), 4 floats a
   * box: torchvision's {@code encode_single(matched, proposals)}.
   */
  public float[] encode(float[] matched, float[] proposals) {
    int n = Boxes.count(proposals);
    if (Boxes.count(matched) != n) {
      throw new IllegalArgumentException(
          "Box counts differ: " + Boxes.count(matched) + " matched vs " + n + " proposals");
    }
    float[] out = new float[4 * n];
    for (int i = 0; i < n; i++) {
      int o = 4 * i;
      float exW = proposals[o + 2] - proposals[o];
      float exH = proposals[o + 3] - proposals[o + 1];
      float exX = proposals[o] + 0.5f * exW;
      float exY = proposals[o + 1] + 0.5f * exH;
      float gtW = matched[o + 2] - matched[o];
      float gtH = matched[o + 3] - matched[o + 1];
      float gtX = matched[o] + 0.5f * gtW;
      float gtY = matched[o + 1] + 0.5f * gtH;
      out[o] = wx * (gtX - exX) / exW;
      out[o + 1] = wy * (gtY - exY) / exH;
      out[o + 2] = ww * (float) Math.log(gtW / exW);
      out[o + 3] = wh * (float) Math.log(gtH / exH);
    }
    return out;
  }

  /**
   * Boxes from {@code codes} [N, 4K] (K boxes per reference, e.g. one per class) applied to {@code
   * references} [N, 4]; the result is [N, 4K] flat, as torchvision's {@code decode_single}.
   */
  public float[] decode(float[] codes, float[] references) {
    int n = Boxes.count(references);
    if (n == 0) {
      return new float[0];
    }
    if (codes.length % (4 * n) != 0) {
      throw new IllegalArgumentException(
          "Codes of length " + codes.length + " do not fit " + n + " reference boxes");
    }
    int k = codes.length / (4 * n);
    float clip = (float) bboxXformClip;
    float[] out = new float[codes.length];
    for (int i = 0; i < n; i++) {
      float width = references[4 * i + 2] - references[4 * i];
      float height = references[4 * i + 3] - references[4 * i + 1];
      float ctrX = references[4 * i] + 0.5f * width;
      float ctrY = references[4 * i + 1] + 0.5f * height;
      for (int c = 0; c < k; c++) {
        int o = 4 * (i * k + c);
        float dx = codes[o] / wx;
        float dy = codes[o + 1] / wy;
        float dw = Math.min(codes[o + 2] / ww, clip);
        float dh = Math.min(codes[o + 3] / wh, clip);
        float predX = dx * width + ctrX;
        float predY = dy * height + ctrY;
        float halfW = 0.5f * ((float) Math.exp(dw) * width);
        float halfH = 0.5f * ((float) Math.exp(dh) * height);
        out[o] = predX - halfW;
        out[o + 1] = predY - halfH;
        out[o + 2] = predX + halfW;
        out[o + 3] = predY + halfH;
      }
    }
    return out;
  }
}
