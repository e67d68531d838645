package io.ticketlab.model.rpn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.ticketlab.model.boxes.BalancedPositiveNegativeSampler;
import io.ticketlab.model.boxes.BoxCoder;
import io.ticketlab.model.boxes.Boxes;
import io.ticketlab.model.boxes.Matcher;
import io.ticketlab.model.boxes.Nms;
import io.ticketlab.model.nn.Scalars;
import io.ticketlab.model.nn.TorchBlock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * torchvision 0.14's {@code RegionProposalNetwork}: the {@link RPNHead} ({@code head}) on every
 * pyramid level; anchors decoded by the deltas into proposals; per image the top {@code
 * preNmsTopN} logits of each level, sigmoid scores, clipping to the image, removal of boxes
 * smaller than {@code minSize}, scores below {@code scoreThreshold}, NMS per level at {@code
 * nmsThreshold}, and the first {@code postNmsTopN} survivors. In training, anchors are matched to
 * ground truth (IoU ≥ 0.7 foreground, < 0.3 background, best anchors of each box kept), 256 per
 * image are sampled with ≤ 50 % positives, and the losses are the mean binary cross-entropy of the
 * sampled objectness logits and the smooth-L1 (β = 1/9) of the positives' deltas summed and divided
 * by the number sampled.
 */
public final class RegionProposalNetwork extends TorchBlock {
  private final RPNHead head;
  private final AnchorGenerator anchorGenerator;
  private final Settings settings;
  private final BoxCoder boxCoder = BoxCoder.rpn();

  /**
   * Options of the RPN, torchvision's defaults in {@link #fasterRcnnDefaults()}.
   *
   * @param preNmsTopNTrain per-level proposals kept before NMS in training
   * @param preNmsTopNTest the same at inference
   * @param postNmsTopNTrain proposals kept per image after NMS in training
   * @param postNmsTopNTest the same at inference
   * @param nmsThreshold IoU of the NMS
   * @param scoreThreshold lowest objectness probability kept
   * @param minSize smallest proposal width and height (pixels)
   * @param matcher anchor-to-ground-truth matcher
   * @param sampler positive/negative anchor sampler
   */
  public record Settings(
      int preNmsTopNTrain,
      int preNmsTopNTest,
      int postNmsTopNTrain,
      int postNmsTopNTest,
      double nmsThreshold,
      double scoreThreshold,
      float minSize,
      Matcher matcher,
      BalancedPositiveNegativeSampler sampler) {

    public Settings {
      if (preNmsTopNTrain < 1 || preNmsTopNTest < 1 || postNmsTopNTrain < 1 || postNmsTopNTest < 1) {
        throw new IllegalArgumentException(
            String.format(
                "RPN top-n must be positive: pre %d/%d, post %d/%d",
                preNmsTopNTrain, preNmsTopNTest, postNmsTopNTrain, postNmsTopNTest));
      }
      if (!(nmsThreshold >= 0 && nmsThreshold <= 1) || !(minSize >= 0)) {
        throw new IllegalArgumentException(
            "Invalid RPN NMS threshold " + nmsThreshold + " or min size " + minSize);
      }
      if (matcher == null || sampler == null) {
        throw new IllegalArgumentException("RPN settings need a matcher and a sampler");
      }
    }

    /** torchvision's Faster R-CNN: 2000/2000 train, 1000/1000 test, NMS 0.7, 0.7/0.3, 256 at 0.5. */
    public static Settings fasterRcnnDefaults() {
      return new Settings(
          2000, 1000, 2000, 1000, 0.7, 0.0, 1e-3f, Matcher.rpn(),
          new BalancedPositiveNegativeSampler(256, 0.5));
    }
  }

  /** Proposals and (with targets) losses of a batch. */
  public record Output(
      List<float[]> proposals, List<float[]> scores, NDArray lossObjectness, NDArray lossBoxReg) {}

  /** Head outputs of a batch flattened in anchor order: logits [N, total], deltas [N, total, 4]. */
  public record HeadOutput(NDArray objectness, NDArray deltas, int[][] gridSizes, int[] anchorsPerLevel) {}

  /** Anchor labels (1 fg, 0 bg, −1 ignored) and regression targets of one image. */
  public record AnchorTargets(int[] labels, float[] regressionTargets) {}

  public RegionProposalNetwork(int inChannels, AnchorGenerator anchorGenerator, Settings settings) {
    this(new RPNHead(inChannels, anchorGenerator.numAnchorsPerLocation(0)), anchorGenerator, settings);
  }

  /** An RPN with its own {@code head} (e.g. the C4 model's 512-wide one); anchors per location must agree. */
  public RegionProposalNetwork(RPNHead head, AnchorGenerator anchorGenerator, Settings settings) {
    for (int l = 0; l < anchorGenerator.numLevels(); l++) {
      if (anchorGenerator.numAnchorsPerLocation(l) != head.numAnchors()) {
        throw new IllegalArgumentException(
            "the RPN head predicts " + head.numAnchors() + " anchors per location, the generator has "
                + anchorGenerator.numAnchorsPerLocation(l) + " at level " + l);
      }
    }
    this.anchorGenerator = anchorGenerator;
    this.settings = settings;
    this.head = child("head", head);
  }

  /** The FPN RPN of torchvision's {@code fasterrcnn_resnet50_fpn} on 256-channel features. */
  public static RegionProposalNetwork fpnDefault() {
    return new RegionProposalNetwork(256, AnchorGenerator.fpnDefault(), Settings.fasterRcnnDefaults());
  }

  public RPNHead head() {
    return head;
  }

  public AnchorGenerator anchorGenerator() {
    return anchorGenerator;
  }

  public Settings settings() {
    return settings;
  }

  /** Runs the head on every level and flattens it as torchvision's {@code concat_box_prediction_layers}. */
  public HeadOutput applyHead(ParameterStore ps, NDList features, boolean training) {
    NDList logits = new NDList();
    NDList deltas = new NDList();
    int[][] grids = new int[features.size()][];
    int[] perLevel = new int[features.size()];
    for (int l = 0; l < features.size(); l++) {
      NDList out = head.applyLevel(ps, features.get(l), training);
      Shape s = out.get(0).getShape();
      long n = s.get(0);
      long a = s.get(1);
      long h = s.get(2);
      long w = s.get(3);
      grids[l] = new int[] {(int) h, (int) w};
      perLevel[l] = (int) (a * h * w);
      logits.add(out.get(0).reshape(n, a, 1, h, w).transpose(0, 3, 4, 1, 2).reshape(n, -1));
      deltas.add(out.get(1).reshape(n, a, 4, h, w).transpose(0, 3, 4, 1, 2).reshape(n, -1, 4));
    }
    return new HeadOutput(NDArrays.concat(logits, 1), NDArrays.concat(deltas, 1), grids, perLevel);
  }

  /**
   * Proposals of a batch padded to {@code paddedHeight × paddedWidth} whose images have {@code
   * imageSizes[i] = {height, width}}, and, when {@code targets} (ground-truth boxes per image, 4
   * floats each) are given, the losses with anchors sampled by {@code random}.
   */
  public Output forward(
      ParameterStore ps,
      NDList features,
      int paddedHeight,
      int paddedWidth,
      int[][] imageSizes,
      List<float[]> targets,
      boolean training,
      Random random) {
    HeadOutput out = applyHead(ps, features, training);
    float[] anchors = anchorGenerator.anchors(paddedHeight, paddedWidth, out.gridSizes());
    List<float[]> proposals = new ArrayList<>();
    List<float[]> scores = new ArrayList<>();
    filterProposals(out, anchors, imageSizes, training, proposals, scores);
    NDArray lossObjectness = null;
    NDArray lossBox = null;
    if (targets != null) {
      List<AnchorTargets> anchorTargets = new ArrayList<>();
      List<int[]> pos = new ArrayList<>();
      List<int[]> neg = new ArrayList<>();
      int total = Boxes.count(anchors);
      for (int i = 0; i < targets.size(); i++) {
        AnchorTargets t = assignTargets(anchors, targets.get(i));
        anchorTargets.add(t);
        var sample = settings.sampler().sample(t.labels(), random);
        pos.add(offset(sample.positive(), i * total));
        neg.add(offset(sample.negative(), i * total));
      }
      NDArray[] losses = losses(out, anchorTargets, concat(pos), concat(neg));
      lossObjectness = losses[0];
      lossBox = losses[1];
    }
    return new Output(proposals, scores, lossObjectness, lossBox);
  }

  /** torchvision's {@code filter_proposals}, appending each image's boxes and scores. */
  void filterProposals(
      HeadOutput out,
      float[] anchors,
      int[][] imageSizes,
      boolean training,
      List<float[]> proposalsOut,
      List<float[]> scoresOut) {
    NDArray detached = out.objectness().stopGradient();
    float[] logits = detached.toFloatArray();
    float[] probabilities = Activation.sigmoid(detached).toFloatArray();
    float[] deltas = out.deltas().stopGradient().toFloatArray();
    int total = Boxes.count(anchors);
    int preNms = training ? settings.preNmsTopNTrain() : settings.preNmsTopNTest();
    int postNms = training ? settings.postNmsTopNTrain() : settings.postNmsTopNTest();
    for (int img = 0; img < imageSizes.length; img++) {
      int base = img * total;
      List<Integer> chosen = new ArrayList<>();
      List<Integer> chosenLevel = new ArrayList<>();
      int offset = 0;
      for (int l = 0; l < out.anchorsPerLevel().length; l++) {
        int count = out.anchorsPerLevel()[l];
        float[] levelLogits = Arrays.copyOfRange(logits, base + offset, base + offset + count);
        int[] order = Nms.stableDescending(levelLogits);
        for (int k = 0; k < Math.min(preNms, count); k++) {
          chosen.add(offset + order[k]);
          chosenLevel.add(l);
        }
        offset += count;
      }
      int m = chosen.size();
      float[] chosenAnchors = new float[4 * m];
      float[] chosenDeltas = new float[4 * m];
      float[] chosenScores = new float[m];
      int[] levels = new int[m];
      for (int k = 0; k < m; k++) {
        int a = chosen.get(k);
        System.arraycopy(anchors, 4 * a, chosenAnchors, 4 * k, 4);
        System.arraycopy(deltas, 4 * (base + a), chosenDeltas, 4 * k, 4);
        chosenScores[k] = probabilities[base + a];
        levels[k] = chosenLevel.get(k);
      }
      float[] boxes = boxCoder.decode(chosenDeltas, chosenAnchors);
      boxes = Boxes.clipToImage(boxes, imageSizes[img][0], imageSizes[img][1]);
      int[] keep = Boxes.removeSmall(boxes, settings.minSize());
      boxes = Boxes.select(boxes, keep);
      float[] s = Boxes.select1(chosenScores, keep);
      int[] lvl = select(levels, keep);
      int[] aboveThreshold =
          IntStream.range(0, s.length).filter(i -> s[i] >= settings.scoreThreshold()).toArray();
      boxes = Boxes.select(boxes, aboveThreshold);
      float[] s2 = Boxes.select1(s, aboveThreshold);
      lvl = select(lvl, aboveThreshold);
      int[] kept = Nms.batched(boxes, s2, lvl, settings.nmsThreshold());
      if (kept.length > postNms) {
        kept = Arrays.copyOf(kept, postNms);
      }
      proposalsOut.add(Boxes.select(boxes, kept));
      scoresOut.add(Boxes.select1(s2, kept));
    }
  }

  /**
   * Labels and regression targets of {@code anchors} for ground-truth {@code gtBoxes} of one image
   * (torchvision's {@code assign_targets_to_anchors}); no boxes: every anchor background.
   */
  public AnchorTargets assignTargets(float[] anchors, float[] gtBoxes) {
    int n = Boxes.count(anchors);
    int[] labels = new int[n];
    float[] matched = new float[4 * n];
    if (Boxes.count(gtBoxes) > 0) {
      int[] matches = settings.matcher().match(Boxes.iou(gtBoxes, anchors), n);
      for (int i = 0; i < n; i++) {
        int g = Math.max(matches[i], 0);
        System.arraycopy(gtBoxes, 4 * g, matched, 4 * i, 4);
        labels[i] = matches[i] >= 0 ? 1 : matches[i] == Matcher.BETWEEN_THRESHOLDS ? -1 : 0;
      }
    }
    return new AnchorTargets(labels, boxCoder.encode(matched, anchors));
  }

  /**
   * The RPN losses {objectness, box regression} for sampled anchors ({@code positive} and {@code
   * negative} index the batch's anchors, image-major), as torchvision's {@code compute_loss}.
   */
  public NDArray[] losses(
      HeadOutput out, List<AnchorTargets> targets, int[] positive, int[] negative) {
    NDManager manager = out.objectness().getManager();
    int total = targets.get(0).labels().length;
    float[] regression = new float[4 * positive.length];
    for (int k = 0; k < positive.length; k++) {
      int img = positive[k] / total;
      int a = positive[k] % total;
      System.arraycopy(targets.get(img).regressionTargets(), 4 * a, regression, 4 * k, 4);
    }
    int[] sampled = concat(List.of(positive, negative));
    float[] sampledLabels = new float[sampled.length];
    Arrays.fill(sampledLabels, 0, positive.length, 1f);
    NDArray deltas = out.deltas().reshape(-1, 4);
    NDArray predicted = deltas.get(manager.create(toLongs(positive)));
    NDArray target = manager.create(regression, new Shape(positive.length, 4));
    NDArray boxLoss = Scalars.div(smoothL1Sum(predicted, target, 1f / 9), sampled.length);
    NDArray logits = out.objectness().reshape(-1).get(manager.create(toLongs(sampled)));
    NDArray labels = manager.create(sampledLabels);
    NDArray objectnessLoss = binaryCrossEntropyWithLogits(logits, labels);
    return new NDArray[] {objectnessLoss, boxLoss};
  }

  /** {@code F.smooth_l1_loss(p, t, beta, reduction="sum")}. */
  public static NDArray smoothL1Sum(NDArray predicted, NDArray target, float beta) {
    NDArray diff = predicted.sub(target).abs();
    NDArray quadratic = Scalars.mul(diff.square(), 0.5f / beta);
    NDArray linear = diff.sub(0.5f * beta);
    return NDArrays.where(diff.lt(beta), quadratic, linear).sum();
  }

  /** {@code F.binary_cross_entropy_with_logits(x, y)} (mean): max(x, 0) − x·y + log(1 + e^−|x|). */
  public static NDArray binaryCrossEntropyWithLogits(NDArray logits, NDArray labels) {
    NDArray loss =
        Scalars.maximum(logits, 0f).sub(logits.mul(labels)).add(logits.abs().neg().exp().add(1f).log());
    return loss.mean();
  }

  private static int[] select(int[] values, int[] idx) {
    int[] out = new int[idx.length];
    for (int i = 0; i < idx.length; i++) {
      out[i] = values[idx[i]];
    }
    return out;
  }

  private static int[] offset(int[] values, int by) {
    int[] out = values.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] += by;
    }
    return out;
  }

  private static int[] concat(List<int[]> parts) {
    int n = parts.stream().mapToInt(p -> p.length).sum();
    int[] out = new int[n];
    int k = 0;
    for (int[] p : parts) {
      System.arraycopy(p, 0, out, k, p.length);
      k += p.length;
    }
    return out;
  }

  private static long[] toLongs(int[] values) {
    return Arrays.stream(values).asLongStream().toArray();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    throw new UnsupportedOperationException(
        "Call forward(ps, features, paddedHeight, paddedWidth, imageSizes, targets, training, random)");
  }
}
