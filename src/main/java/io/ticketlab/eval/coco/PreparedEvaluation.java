package io.ticketlab.eval.coco;

import io.ticketlab.common.StableOrder;
import io.ticketlab.common.BadInputException;
import io.ticketlab.data.coco.BoxIou;
import io.ticketlab.data.coco.CocoAnnotation;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoImage;
import io.ticketlab.data.coco.CocoReader;
import io.ticketlab.data.coco.CocoResult;
import io.ticketlab.data.coco.Rle;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The inputs of one evaluation in flat arrays: ground truths and detections (with pycocotools'
 * {@code loadRes} areas and boxes), grouped by image and category in file order. Mask and
 * similarity computations happen per image, from the evaluator's parallel image loop.
 */
final class PreparedEvaluation {
  final CocoDataset groundTruth;
  final EvalParams params;
  final IouType iouType;
  final boolean useCategories;
  final long[] imageIds;
  final int[] categoryIds;
  final double[] iouThresholds;
  final double[] recallThresholds;
  final int[] maxDets;
  final int maxDetsLast;
  final List<AreaRange> areaRanges;

  // ground truth, indexed by position in the dataset's annotation list
  final long[] gtId;
  final double[] gtArea;
  final boolean[] gtIgnore;
  final boolean[] gtCrowd;
  private final Rle[] gtMask;
  private final double[][] gtMaskBox;
  private final long[] gtMaskArea;

  // detections, indexed by position in the results list (result id = index + 1)
  private final List<CocoResult> results;
  final double[] dtScore;
  final double[] dtArea;
  private final double[] dtBox;
  private final Rle[] dtMask;
  private final double[][] dtMaskBox;
  private final long[] dtMaskArea;
  private final double[][] categoryVariances;

  // buckets: (image index * K + category index) -> items, in file order
  private final int numCategories;
  private final int[] gtStart;
  private final int[] gtItems;
  private final int[] dtStart;
  private final int[] dtItems;
  private final int[] imageHeight;
  private final int[] imageWidth;

  private PreparedEvaluation(CocoDataset gt, List<CocoResult> results, EvalParams params) {
    this.groundTruth = gt;
    this.params = params;
    this.iouType = params.iouType();
    this.useCategories = params.useCategories();
    this.iouThresholds = params.iouThresholds();
    this.recallThresholds = params.recallThresholds();
    this.maxDets = params.maxDets();
    this.maxDetsLast = params.maxDetsLast();
    this.areaRanges = params.areaRanges();
    this.results = results;

    // Images and categories: sorted unique ids.
    List<Long> imgList = params.imageIds() != null
        ? params.imageIds()
        : gt.images().stream().map(CocoImage::id).toList();
    this.imageIds = imgList.stream().mapToLong(Long::longValue).sorted().distinct().toArray();
    List<Integer> catList = params.categoryIds() != null
        ? params.categoryIds()
        : defaultCategories(gt, iouType);
    this.categoryIds = catList.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
    this.numCategories = categoryIds.length;
    Map<Long, Integer> imageIndex = new HashMap<>(imageIds.length * 2);
    for (int i = 0; i < imageIds.length; i++) {
      imageIndex.put(imageIds[i], i);
    }
    Map<Integer, Integer> categoryIndex = new HashMap<>();
    for (int k = 0; k < categoryIds.length; k++) {
      categoryIndex.put(categoryIds[k], k);
    }
    this.imageHeight = new int[imageIds.length];
    this.imageWidth = new int[imageIds.length];
    for (int i = 0; i < imageIds.length; i++) {
      CocoImage image = gt.image(imageIds[i]);
      imageHeight[i] = image == null ? 0 : image.height();
      imageWidth[i] = image == null ? 0 : image.width();
    }

    // Ground truth.
    List<CocoAnnotation> anns = gt.annotations();
    int numGt = anns.size();
    gtId = new long[numGt];
    gtArea = new double[numGt];
    gtIgnore = new boolean[numGt];
    gtCrowd = new boolean[numGt];
    int[] gtKey = new int[numGt];
    for (int j = 0; j < numGt; j++) {
      CocoAnnotation a = anns.get(j);
      gtId[j] = a.id();
      gtArea[j] = a.area();
      gtCrowd[j] = a.crowd();
      gtIgnore[j] = a.crowd() || (iouType == IouType.KEYPOINTS && a.numKeypoints() == 0);
      Integer i = imageIndex.get(a.imageId());
      Integer k = categoryIndex.get(a.categoryId());
      gtKey[j] = i == null || k == null ? -1 : i * numCategories + k;
      if (gtKey[j] >= 0) {
        checkGroundTruth(j, a);
      }
    }
    gtMask = iouType == IouType.SEGM ? new Rle[numGt] : null;
    gtMaskBox = iouType == IouType.SEGM ? new double[numGt][] : null;
    gtMaskArea = iouType == IouType.SEGM ? new long[numGt] : null;

    // Detections, as loadRes prepares them.
    CocoReader.checkResults(null, results, gt);
    int numDt = results.size();
    dtScore = new double[numDt];
    dtArea = new double[numDt];
    dtBox = new double[numDt * 4];
    dtMask = iouType == IouType.SEGM ? new Rle[numDt] : null;
    dtMaskBox = iouType == IouType.SEGM ? new double[numDt][] : null;
    dtMaskArea = iouType == IouType.SEGM ? new long[numDt] : null;
    int[] dtKey = new int[numDt];
    boolean popBbox = params.popBbox() && iouType == IouType.SEGM;
    LoadBranch branch = numDt == 0 ? LoadBranch.BOX
        : popBbox ? LoadBranch.MASK : LoadBranch.of(results.get(0));
    for (int d = 0; d < numDt; d++) {
      CocoResult r = results.get(d);
      dtScore[d] = r.score();
      loadResult(d, r, branch, popBbox);
      Integer i = imageIndex.get(r.imageId());
      Integer k = categoryIndex.get(r.categoryId());
      dtKey[d] = i == null || k == null ? -1 : i * numCategories + k;
    }

    int numBuckets = imageIds.length * numCategories;
    gtStart = new int[numBuckets + 1];
    gtItems = bucket(gtKey, gtStart);
    dtStart = new int[numBuckets + 1];
    dtItems = bucket(dtKey, dtStart);

    categoryVariances = new double[numCategories][];
    if (iouType == IouType.KEYPOINTS) {
      for (int k = 0; k < numCategories; k++) {
        double[] sigmas = params.keypointSigmas().get(categoryIds[k]);
        io.ticketlab.data.coco.CocoCategory category = gt.category(categoryIds[k]);
        int declared = category == null ? 0 : category.keypoints().size();
        if (sigmas == null && declared > 0 && declared != Oks.cocoPersonSigmas().length) {
          throw BadInputException.of(null, "categories[id=" + categoryIds[k] + "]", "keypoints",
              declared + " keypoints", "no OKS sigmas given for this category (COCO's person"
                  + " sigmas cover 17 keypoints); pass them in EvalParams.keypointSigmas");
        }
        if (sigmas != null && declared > 0 && sigmas.length != declared) {
          throw BadInputException.of(null, "categories[id=" + categoryIds[k] + "]", "keypoints",
              declared + " keypoints", sigmas.length + " sigmas given");
        }
        categoryVariances[k] = Oks.variances(sigmas != null ? sigmas : Oks.cocoPersonSigmas());
      }
    }
  }

  /**
   * Every category of the ground truth; for keypoints only those that define keypoints (when any
   * does), since COCOeval needs {@code num_keypoints} on every GT it loads.
   */
  static List<Integer> defaultCategories(CocoDataset gt, IouType iouType) {
    if (iouType == IouType.KEYPOINTS && gt.categories().stream().anyMatch(c -> c.hasKeypoints())) {
      return gt.categories().stream().filter(c -> c.hasKeypoints()).map(c -> c.id()).toList();
    }
    return gt.categories().stream().map(c -> c.id()).toList();
  }

  static PreparedEvaluation of(CocoDataset gt, List<CocoResult> results, EvalParams params) {
    return new PreparedEvaluation(gt, results, params);
  }

  /** Which branch of pycocotools' loadRes the first result selects. */
  private enum LoadBranch {
    BOX, MASK, KEYPOINTS;

    static LoadBranch of(CocoResult first) {
      if (first.bbox() != null) {
        return BOX;
      }
      if (first.segmentation() != null) {
        return MASK;
      }
      if (first.keypoints() != null) {
        return KEYPOINTS;
      }
      throw BadInputException.of(null, "results[0]", null, null,
          "a result needs a bbox, a segmentation or keypoints");
    }
  }

  private void loadResult(int d, CocoResult r, LoadBranch branch, boolean popBbox) {
    String record = "results[" + d + "]";
    double[] box;
    switch (branch) {
      case BOX -> {
        box = r.bbox();
        if (box == null) {
          throw BadInputException.of(null, record, "bbox", null,
              "missing (the first result has a bbox, so all results need one)");
        }
        dtArea[d] = box[2] * box[3];
      }
      case MASK -> {
        Rle mask = r.segmentation();
        if (mask == null) {
          throw BadInputException.of(null, record, "segmentation", null,
              "missing (the first result has a mask, so all results need one)");
        }
        dtArea[d] = mask.area();
        box = r.bbox() != null && !popBbox ? r.bbox() : mask.toBbox();
      }
      default -> {
        double[] k = r.keypoints();
        if (k == null || k.length == 0) {
          throw BadInputException.of(null, record, "keypoints", null,
              "missing (the first result has keypoints, so all results need them)");
        }
        double x0 = Double.POSITIVE_INFINITY;
        double x1 = Double.NEGATIVE_INFINITY;
        double y0 = Double.POSITIVE_INFINITY;
        double y1 = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k.length; j += 3) {
          x0 = Math.min(x0, k[j]);
          x1 = Math.max(x1, k[j]);
          y0 = Math.min(y0, k[j + 1]);
          y1 = Math.max(y1, k[j + 1]);
        }
        dtArea[d] = (x1 - x0) * (y1 - y0);
        box = new double[] {x0, y0, x1 - x0, y1 - y0};
      }
    }
    System.arraycopy(box, 0, dtBox, 4 * d, 4);
    if (iouType == IouType.KEYPOINTS && r.keypoints() == null) {
      throw BadInputException.of(null, record, "keypoints", null,
          "missing (keypoint evaluation needs keypoints on every result)");
    }
    if (iouType == IouType.SEGM && r.segmentation() == null && branch != LoadBranch.BOX) {
      throw BadInputException.of(null, record, "segmentation", null,
          "missing (mask evaluation needs a mask or a box on every result)");
    }
  }

  private void checkGroundTruth(int j, CocoAnnotation a) {
    String record = "annotations[" + j + "]";
    switch (iouType) {
      case BBOX -> {
        if (a.bbox() == null) {
          throw BadInputException.of(null, record, "bbox", null, "missing (needed for bbox evaluation)");
        }
      }
      case SEGM -> {
        if (a.segmentation() == null) {
          throw BadInputException.of(null, record, "segmentation", null,
              "missing (needed for segm evaluation)");
        }
      }
      default -> {
        if (a.keypoints() == null) {
          throw BadInputException.of(null, record, "keypoints", null,
              "missing (needed for keypoints evaluation)");
        }
        if (a.bbox() == null) {
          throw BadInputException.of(null, record, "bbox", null,
              "missing (needed for keypoints evaluation)");
        }
      }
    }
  }

  private static int[] bucket(int[] keys, int[] start) {
    int numBuckets = start.length - 1;
    int[] counts = new int[numBuckets + 1];
    int n = 0;
    for (int key : keys) {
      if (key >= 0) {
        counts[key + 1]++;
        n++;
      }
    }
    for (int b = 0; b < numBuckets; b++) {
      counts[b + 1] += counts[b];
    }
    System.arraycopy(counts, 0, start, 0, numBuckets + 1);
    int[] fill = Arrays.copyOf(counts, numBuckets);
    int[] items = new int[n];
    for (int j = 0; j < keys.length; j++) {
      if (keys[j] >= 0) {
        items[fill[keys[j]]++] = j;
      }
    }
    return items;
  }

  int numImages() {
    return imageIds.length;
  }

  /** K' of the matching: the number of categories, or 1 when they are pooled. */
  int numGroupCategories() {
    return useCategories ? numCategories : 1;
  }

  private int bucketFrom(int group) {
    return useCategories ? group : group * numCategories;
  }

  private int bucketTo(int group) {
    return useCategories ? group + 1 : (group + 1) * numCategories;
  }

  /** Ground truths of a group in COCOeval's load order. */
  int[] groupGroundTruths(int group) {
    return Arrays.copyOfRange(gtItems, gtStart[bucketFrom(group)], gtStart[bucketTo(group)]);
  }

  /** Detections of a group, stably sorted by descending score and cut to the largest budget. */
  int[] groupDetections(int group) {
    int from = dtStart[bucketFrom(group)];
    int to = dtStart[bucketTo(group)];
    int n = to - from;
    if (n == 0) {
      return new int[0];
    }
    double[] s = new double[n];
    for (int j = 0; j < n; j++) {
      s[j] = dtScore[dtItems[from + j]];
    }
    int[] order = StableOrder.descending(s);
    int keep = Math.min(n, maxDetsLast);
    int[] out = new int[keep];
    for (int j = 0; j < keep; j++) {
      out[j] = dtItems[from + order[j]];
    }
    return out;
  }

  /** The D × G similarity matrix (IoU or OKS), row-major, GTs in load order. */
  double[] similarities(int imageIndex, int[] dts, int[] gts) {
    int nd = dts.length;
    int ng = gts.length;
    double[] out = new double[nd * ng];
    List<CocoAnnotation> anns = groundTruth.annotations();
    switch (iouType) {
      case BBOX -> {
        for (int g = 0; g < ng; g++) {
          double[] gb = anns.get(gts[g]).bbox();
          boolean crowd = gtCrowd[gts[g]];
          for (int d = 0; d < nd; d++) {
            int o = 4 * dts[d];
            out[d * ng + g] = BoxIou.iou(dtBox[o], dtBox[o + 1], dtBox[o + 2], dtBox[o + 3],
                gb[0], gb[1], gb[2], gb[3], crowd);
          }
        }
      }
      case SEGM -> {
        for (int g = 0; g < ng; g++) {
          ensureGtMask(gts[g], imageIndex);
        }
        for (int d = 0; d < nd; d++) {
          ensureDtMask(dts[d], imageIndex);
        }
        for (int g = 0; g < ng; g++) {
          int gi = gts[g];
          for (int d = 0; d < nd; d++) {
            int di = dts[d];
            out[d * ng + g] = Rle.iou(dtMask[di], dtMaskBox[di], dtMaskArea[di],
                gtMask[gi], gtMaskBox[gi], gtMaskArea[gi], gtCrowd[gi]);
          }
        }
      }
      default -> {
        for (int g = 0; g < ng; g++) {
          CocoAnnotation a = anns.get(gts[g]);
          int k = Arrays.binarySearch(categoryIds, a.categoryId());
          double[] variances = categoryVariances[k];
          if (a.keypoints().length != 3 * variances.length) {
            throw BadInputException.of(null, "annotations[" + gts[g] + "]", "keypoints",
                "array of " + a.keypoints().length + " numbers",
                "expected 3 x " + variances.length + " values (one sigma per keypoint)");
          }
          for (int d = 0; d < nd; d++) {
            double[] dk = results.get(dts[d]).keypoints();
            if (dk.length != a.keypoints().length) {
              throw BadInputException.of(null, "results[" + dts[d] + "]", "keypoints",
                  "array of " + dk.length + " numbers",
                  "expected " + a.keypoints().length + " values like the ground truth");
            }
            out[d * ng + g] = Oks.oks(dk, a.keypoints(), a.bbox(), a.area(), variances);
          }
        }
      }
    }
    return out;
  }

  private void ensureGtMask(int j, int imageIndex) {
    if (gtMask[j] != null) {
      return;
    }
    CocoAnnotation a = groundTruth.annotations().get(j);
    Rle rle = a.segmentation().toRle(imageHeight[imageIndex], imageWidth[imageIndex]);
    gtMask[j] = rle;
    gtMaskBox[j] = rle.toBbox();
    gtMaskArea[j] = rle.area();
  }

  private void ensureDtMask(int d, int imageIndex) {
    if (dtMask[d] != null) {
      return;
    }
    CocoResult r = results.get(d);
    Rle rle = r.segmentation() != null
        ? r.segmentation()
        : Rle.fromBbox(r.bbox(), imageHeight[imageIndex], imageWidth[imageIndex]);
    dtMask[d] = rle;
    dtMaskBox[d] = rle.toBbox();
    dtMaskArea[d] = rle.area();
  }

  /** The parameters with the evaluated ids filled in. */
  EvalParams resolvedParams() {
    return params
        .withImageIds(Arrays.stream(imageIds).boxed().toList())
        .withCategoryIds(Arrays.stream(categoryIds).boxed().toList());
  }
}
