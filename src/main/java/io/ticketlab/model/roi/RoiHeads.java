package io.ticketlab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.ticketlab.model.boxes.DetectionTarget;
import io.ticketlab.model.boxes.Detections;
import io.ticketlab.model.boxes.BalancedPositiveNegativeSampler;
import io.ticketlab.model.boxes.BoxCoder;
import io.ticketlab.model.boxes.Boxes;
import io.ticketlab.model.boxes.Matcher;
import io.ticketlab.model.boxes.Nms;
import io.ticketlab.model.nn.TorchBlock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * torchvision 0.14's {@code RoIHeads}: in training, the ground-truth boxes join each image's
 * proposals, proposals are matched to ground truth (IoU ≥ 0.5 foreground, below background, no
 * low-quality matches), 512 per image are sampled with ≤ 25 % foreground, pooled, run through the
 * box head and predictor and scored by {@link FastRcnnLoss}; the positives feed the instance
 * branches (mask, keypoint). At inference the class-specific deltas are decoded (weights 10, 10,
 * 5, 5), boxes clipped, background dropped, scores above the threshold kept, boxes smaller than
 * 0.01 px removed, NMS per class, and the best {@code detectionsPerImage} returned.
 *
 * <p>Children carry torchvision's names: {@code box_head}, {@code box_predictor}, and the blocks of
 * each {@link InstanceBranch} ({@code mask_head}, {@code keypoint_predictor}, ...).
 */
public final class RoiHeads extends TorchBlock {
  private final MultiScaleRoiAlign boxPool;
  private final BoxHead boxHead;
  private final FastRcnnPredictor boxPredictor;
  private final Settings settings;
  private final List<InstanceBranch> branches;

  /**
   * Options of the RoI heads, torchvision's defaults in {@link #defaults()}.
   *
   * @param proposalMatcher proposal-to-ground-truth matcher
   * @param sampler foreground/background sampler of the proposals
   * @param boxCoder the box coder of the predictor's deltas
   * @param scoreThreshold detections with a score at or below are dropped (strict {@code >})
   * @param nmsThreshold IoU of the per-class NMS
   * @param detectionsPerImage most detections kept per image
   */
  public record Settings(
      Matcher proposalMatcher,
      BalancedPositiveNegativeSampler sampler,
      BoxCoder boxCoder,
      double scoreThreshold,
      double nmsThreshold,
      int detectionsPerImage) {

    public Settings {
      if (detectionsPerImage < 1) {
        throw new IllegalArgumentException("detections per image must be positive, got " + detectionsPerImage);
      }
      if (!(nmsThreshold >= 0 && nmsThreshold <= 1)) {
        throw new IllegalArgumentException("NMS threshold must be in [0, 1], got " + nmsThreshold);
      }
    }

    /** torchvision: 0.5/0.5, 512 at 0.25, (10, 10, 5, 5), score 0.05, NMS 0.5, 100 detections. */
    public static Settings defaults() {
      return new Settings(
          new Matcher(0.5f, 0.5f, false),
          new BalancedPositiveNegativeSampler(512, 0.25),
          BoxCoder.roiHeads(),
          0.05,
          0.5,
          100);
    }

    public Settings withScoreThreshold(double threshold) {
      return new Settings(proposalMatcher, sampler, boxCoder, threshold, nmsThreshold, detectionsPerImage);
    }

    public Settings withSamplesPerImage(int n) {
      return new Settings(proposalMatcher, new BalancedPositiveNegativeSampler(n, sampler.positiveFraction()),
          boxCoder, scoreThreshold, nmsThreshold, detectionsPerImage);
    }

    public Settings withDetectionsPerImage(int n) {
      return new Settings(proposalMatcher, sampler, boxCoder, scoreThreshold, nmsThreshold, n);
    }
  }

  /** The sampled proposals of one image with their labels, matches and regression targets. */
  public record SampledProposals(
      float[] proposals, int[] labels, int[] matchedGt, float[] regressionTargets) {}

  public RoiHeads(
      MultiScaleRoiAlign boxPool,
      BoxHead boxHead,
      FastRcnnPredictor boxPredictor,
      Settings settings,
      List<InstanceBranch> branches) {
    this.boxPool = boxPool;
    this.boxHead = child("box_head", boxHead);
    this.boxPredictor = child("box_predictor", boxPredictor);
    this.settings = settings;
    this.branches = List.copyOf(branches);
    for (InstanceBranch b : branches) {
      for (Map.Entry<String, Block> e : b.blocks().entrySet()) {
        child(e.getKey(), e.getValue());
      }
    }
  }

  public Settings settings() {
    return settings;
  }

  public List<InstanceBranch> branches() {
    return branches;
  }

  public BoxHead boxHead() {
    return boxHead;
  }

  public FastRcnnPredictor boxPredictor() {
    return boxPredictor;
  }

  public MultiScaleRoiAlign boxPool() {
    return boxPool;
  }

  /**
   * torchvision's {@code select_training_samples} for one image: ground truth appended to the
   * proposals, matched, sampled by {@code random}; sampled indices in ascending order.
   */
  public SampledProposals sample(float[] proposals, DetectionTarget target, Random random) {
    float[] gt = target.boxes();
    float[] all = new float[proposals.length + gt.length];
    System.arraycopy(proposals, 0, all, 0, proposals.length);
    System.arraycopy(gt, 0, all, proposals.length, gt.length);
    int n = Boxes.count(all);
    int[] labels = new int[n];
    int[] matched = new int[n];
    if (target.count() > 0) {
      int[] m = settings.proposalMatcher().match(Boxes.iou(gt, all), n);
      for (int i = 0; i < n; i++) {
        matched[i] = Math.max(m[i], 0);
        labels[i] =
            m[i] == Matcher.BELOW_LOW_THRESHOLD ? 0
                : m[i] == Matcher.BETWEEN_THRESHOLDS ? -1 : target.labels()[matched[i]];
      }
    }
    BalancedPositiveNegativeSampler.Sample s = settings.sampler().sample(labels, random);
    int[] chosen = new int[s.positive().length + s.negative().length];
    System.arraycopy(s.positive(), 0, chosen, 0, s.positive().length);
    System.arraycopy(s.negative(), 0, chosen, s.positive().length, s.negative().length);
    Arrays.sort(chosen);
    return select(all, labels, matched, chosen, gt);
  }

  /** The sampled set of given indices into proposals ++ ground truth (for tests and parity). */
  public SampledProposals select(float[] all, int[] labels, int[] matched, int[] chosen, float[] gt) {
    float[] p = Boxes.select(all, chosen);
    int[] l = new int[chosen.length];
    int[] g = new int[chosen.length];
    float[] matchedBoxes = new float[4 * chosen.length];
    for (int k = 0; k < chosen.length; k++) {
      l[k] = labels[chosen[k]];
      g[k] = matched[chosen[k]];
      if (gt.length > 0) {
        System.arraycopy(gt, 4 * g[k], matchedBoxes, 4 * k, 4);
      }
    }
    return new SampledProposals(p, l, g, settings.boxCoder().encode(matchedBoxes, p));
  }

  /** The box branch's class logits and deltas for the given boxes of each image. */
  public NDList boxOutputs(
      ParameterStore ps, Map<String, NDArray> features, List<float[]> boxes, List<int[]> imageSizes, boolean training) {
    NDArray pooled = boxPool.poolBoxes(features, boxes, imageSizes);
    return boxPredictor.apply(ps, boxHead.apply(ps, pooled, training), training);
  }

  /**
   * The training losses of the proposals of each image: {@code loss_classifier}, {@code
   * loss_box_reg}, then one per instance branch.
   */
  public Map<String, NDArray> losses(
      ParameterStore ps,
      Map<String, NDArray> features,
      List<float[]> proposals,
      List<int[]> imageSizes,
      List<DetectionTarget> targets,
      Random random) {
    List<SampledProposals> sampled = new ArrayList<>();
    for (int i = 0; i < proposals.size(); i++) {
      sampled.add(sample(proposals.get(i), targets.get(i), random));
    }
    return losses(ps, features, sampled, imageSizes, targets);
  }

  /** The training losses of already sampled proposals. */
  public Map<String, NDArray> losses(
      ParameterStore ps,
      Map<String, NDArray> features,
      List<SampledProposals> sampled,
      List<int[]> imageSizes,
      List<DetectionTarget> targets) {
    NDManager m = features.values().iterator().next().getManager();
    List<float[]> boxes = new ArrayList<>();
    int total = 0;
    for (SampledProposals s : sampled) {
      boxes.add(s.proposals());
      total += s.labels().length;
    }
    long[] labels = new long[total];
    float[] regression = new float[4 * total];
    int at = 0;
    for (SampledProposals s : sampled) {
      for (int k = 0; k < s.labels().length; k++, at++) {
        labels[at] = s.labels()[k];
      }
      System.arraycopy(s.regressionTargets(), 0, regression, 4 * (at - s.labels().length), s.regressionTargets().length);
    }
    NDList out = boxOutputs(ps, features, boxes, imageSizes, true);
    FastRcnnLoss.Losses l =
        FastRcnnLoss.compute(
            out.get(0), out.get(1), m.create(labels), m.create(regression, new Shape(total, 4)));
    Map<String, NDArray> losses = new LinkedHashMap<>();
    losses.put("loss_classifier", l.classifier());
    losses.put("loss_box_reg", l.boxRegression());
    if (!branches.isEmpty()) {
      List<float[]> positives = new ArrayList<>();
      List<int[]> matched = new ArrayList<>();
      List<int[]> positiveLabels = new ArrayList<>();
      for (SampledProposals s : sampled) {
        int[] pos = java.util.stream.IntStream.range(0, s.labels().length).filter(k -> s.labels()[k] > 0).toArray();
        positives.add(Boxes.select(s.proposals(), pos));
        int[] g = new int[pos.length];
        int[] lab = new int[pos.length];
        for (int k = 0; k < pos.length; k++) {
          g[k] = s.matchedGt()[pos[k]];
          lab[k] = s.labels()[pos[k]];
        }
        matched.add(g);
        positiveLabels.add(lab);
      }
      for (InstanceBranch b : branches) {
        losses.put(b.lossName(), b.loss(ps, features, imageSizes, positives, matched, positiveLabels, targets));
      }
    }
    return losses;
  }

  /** Detections of each image in resized pixels (inference), with every branch's outputs. */
  public List<Detections> detect(
      ParameterStore ps, Map<String, NDArray> features, List<float[]> proposals, List<int[]> imageSizes) {
    NDList out = boxOutputs(ps, features, proposals, imageSizes, false);
    float[] probabilities = out.get(0).softmax(-1).toFloatArray();
    float[] deltas = out.get(1).toFloatArray();
    int classes = boxPredictor.numClasses();
    List<Detections> detections = new ArrayList<>();
    int row = 0;
    for (int i = 0; i < proposals.size(); i++) {
      float[] p = proposals.get(i);
      int n = Boxes.count(p);
      float[] codes = Arrays.copyOfRange(deltas, 4 * classes * row, 4 * classes * (row + n));
      float[] scores = Arrays.copyOfRange(probabilities, classes * row, classes * (row + n));
      detections.add(postprocess(codes, scores, p, imageSizes.get(i), classes));
      row += n;
    }
    for (InstanceBranch b : branches) {
      detections = b.predict(ps, features, imageSizes, detections);
    }
    return detections;
  }

  /** torchvision's {@code postprocess_detections} for one image's decoded deltas and scores. */
  Detections postprocess(float[] codes, float[] probabilities, float[] proposals, int[] imageSize, int classes) {
    int n = Boxes.count(proposals);
    float[] decoded = Boxes.clipToImage(settings.boxCoder().decode(codes, proposals), imageSize[0], imageSize[1]);
    // drop the background column, flatten (proposal-major, class-minor), keep scores > threshold
    int candidates = 0;
    int[] index = new int[n * (classes - 1)];
    for (int r = 0; r < n; r++) {
      for (int c = 1; c < classes; c++) {
        if (probabilities[r * classes + c] > settings.scoreThreshold()) {
          index[candidates++] = r * classes + c;
        }
      }
    }
    float[] boxes = new float[4 * candidates];
    float[] scores = new float[candidates];
    int[] labels = new int[candidates];
    for (int k = 0; k < candidates; k++) {
      System.arraycopy(decoded, 4 * index[k], boxes, 4 * k, 4);
      scores[k] = probabilities[index[k]];
      labels[k] = index[k] % classes;
    }
    int[] keep = Boxes.removeSmall(boxes, 1e-2f);
    boxes = Boxes.select(boxes, keep);
    scores = Boxes.select1(scores, keep);
    labels = selectInts(labels, keep);
    int[] kept = Nms.batched(boxes, scores, labels, settings.nmsThreshold());
    if (kept.length > settings.detectionsPerImage()) {
      kept = Arrays.copyOf(kept, settings.detectionsPerImage());
    }
    return Detections.boxes(Boxes.select(boxes, kept), Boxes.select1(scores, kept), selectInts(labels, kept));
  }

  private static int[] selectInts(int[] values, int[] idx) {
    int[] out = new int[idx.length];
    for (int i = 0; i < idx.length; i++) {
      out[i] = values[idx[i]];
    }
    return out;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    throw new UnsupportedOperationException("Call losses(...) or detect(...)");
  }
}
