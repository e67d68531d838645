package io.ticketlab.model.detector;

import java.util.List;
import java.util.Locale;

/**
 * What a two-stage detector is made of, enough to build it ({@link Detectors#build}) and to name it
 * in an experiment config. The defaults ({@link #torchvision}) are torchvision 0.14's {@code
 * fasterrcnn_resnet50_fpn}, {@code maskrcnn_resnet50_fpn} and {@code keypointrcnn_resnet50_fpn};
 * smaller widths, image sizes and heads make the models of the tests and the demo.
 *
 * @param task {@link Task#DETECTION} (Faster R-CNN), {@link Task#SEGMENTATION} (Mask R-CNN) or
 *     {@link Task#KEYPOINTS} (Keypoint R-CNN)
 * @param variant {@code FPN} (torchvision's) or {@code C4} (the paper's VOC model)
 * @param depth ResNet depth (18, 34, 50, 101)
 * @param widthMultiplier ResNet width factor (1.0 = torchvision)
 * @param fpnChannels FPN output channels (256 in torchvision; unused by C4); also the width of
 *     Mask R-CNN's mask head and {@code conv5_mask} (torchvision: 256, the same at the default);
 *     Keypoint R-CNN's eight head convolutions have twice this width (torchvision: 512)
 * @param representationSize width of the box head's fc6/fc7 (1024 in torchvision; unused by C4,
 *     whose box head is layer4 + average pool: 512·width for ResNet-18/34, 2048·width for 50/101)
 * @param numClasses classes including the background
 * @param numKeypoints keypoints per instance (17 for COCO persons; Keypoint R-CNN only)
 * @param minSizes short-side sizes (training picks one per image, evaluation uses the last)
 * @param maxSize cap on the long side
 * @param trainableLayers ResNet stages trained, 0..5 (torchvision: 3 with pretrained weights)
 * @param frozenBatchNorm FrozenBatchNorm2d in the backbone (torchvision with a pretrained
 *     backbone, the paper); trainable BatchNorm2d otherwise (torchvision's choice from scratch)
 * @param boxScoreThreshold detections at or below this score are dropped
 * @param detectionsPerImage most detections per image
 * @param roiSamplesPerImage proposals sampled per image for the box head's loss (torchvision's
 *     {@code box_batch_size_per_image}, 512; the paper's VOC code uses 128)
 */
public record DetectorSpec(
    Task task,
    Variant variant,
    int depth,
    double widthMultiplier,
    int fpnChannels,
    int representationSize,
    int numClasses,
    int numKeypoints,
    List<Integer> minSizes,
    int maxSize,
    int trainableLayers,
    boolean frozenBatchNorm,
    double boxScoreThreshold,
    int detectionsPerImage,
    int roiSamplesPerImage) {

  /** The detector's task, as the CLI names it ({@code det}, {@code seg}, {@code kp}). */
  public enum Task {
    DETECTION("det"),
    SEGMENTATION("seg"),
    KEYPOINTS("kp");

    private final String cliName;

    Task(String cliName) {
      this.cliName = cliName;
    }

    public String cliName() {
      return cliName;
    }

    /** {@code det|seg|kp} (or the enum name). */
    public static Task parse(String s) {
      for (Task t : values()) {
        if (t.cliName.equalsIgnoreCase(s) || t.name().equalsIgnoreCase(s)) {
          return t;
        }
      }
      throw new IllegalArgumentException("unknown task '" + s + "' (expected det, seg or kp)");
    }
  }

  /** Where the box head sits: on an FPN, or ResNet's layer4 on stride-16 C4 features. */
  public enum Variant {
    FPN,
    C4;

    public static Variant parse(String s) {
      try {
        return valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown detector variant '" + s + "' (expected fpn or c4)");
      }
    }
  }

  public DetectorSpec {
    if (depth != 18 && depth != 34 && depth != 50 && depth != 101) {
      throw new IllegalArgumentException("ResNet depth must be 18, 34, 50 or 101, got " + depth);
    }
    if (!(widthMultiplier > 0) || fpnChannels < 1 || representationSize < 1) {
      throw new IllegalArgumentException(
          "width " + widthMultiplier + ", FPN channels " + fpnChannels + " and representation size "
              + representationSize + " must be positive");
    }
    if (numClasses < 2) {
      throw new IllegalArgumentException("num classes counts the background and must be ≥ 2, got " + numClasses);
    }
    if (task == Task.KEYPOINTS && numKeypoints < 1) {
      throw new IllegalArgumentException("a keypoint detector needs keypoints, got " + numKeypoints);
    }
    if (minSizes == null || minSizes.isEmpty() || minSizes.stream().anyMatch(s -> s < 1) || maxSize < 1) {
      throw new IllegalArgumentException("image sizes must be positive: min " + minSizes + ", max " + maxSize);
    }
    if (roiSamplesPerImage < 1) {
      throw new IllegalArgumentException("RoI samples per image must be positive, got " + roiSamplesPerImage);
    }
    if (trainableLayers < 0 || trainableLayers > 5) {
      throw new IllegalArgumentException("trainable layers must be 0..5, got " + trainableLayers);
    }
    minSizes = List.copyOf(minSizes);
  }

  /**
   * torchvision's model of a task with a ResNet of {@code depth}: 800/1333, FPN 256, box head
   * 1024, score threshold 0.05, 100 detections, 3 trainable stages. Mask R-CNN ({@code
   * maskrcnn_resnet50_fpn}) has exactly Faster R-CNN's settings plus the 256-wide mask branch;
   * Keypoint R-CNN trains on the short sides 640..800 in steps of 32 as torchvision's {@code
   * keypointrcnn_resnet50_fpn}.
   */
  public static DetectorSpec torchvision(Task task, int depth, int numClasses) {
    List<Integer> sizes =
        task == Task.KEYPOINTS ? List.of(640, 672, 704, 736, 768, 800) : List.of(800);
    return new DetectorSpec(
        task, Variant.FPN, depth, 1.0, 256, 1024, numClasses, task == Task.KEYPOINTS ? 17 : 0,
        sizes, 1333, 3, true, 0.05, 100, 512);
  }

  /**
   * The paper's Pascal VOC model (jwyang/faster-rcnn.pytorch style Faster R-CNN C4): detection, 21
   * classes (20 + background), short side 600, long side at most 1000, ResNet of {@code depth} with
   * stem + layer1 frozen (3 trainable stages, as the paper code's {@code FIXED_BLOCKS = 1}), score
   * threshold 0.05, 100 detections per image, 128 sampled RoIs per image. The FPN width and fc representation fields keep
   * torchvision's values and are not used by C4.
   */
  public static DetectorSpec paperVoc(int depth) {
    return new DetectorSpec(
        Task.DETECTION, Variant.C4, depth, 1.0, 256, 1024, 21, 0, List.of(600), 1000, 3, true, 0.05, 100, 128);
  }

  public DetectorSpec withSizes(List<Integer> newMinSizes, int newMaxSize) {
    return new DetectorSpec(task, variant, depth, widthMultiplier, fpnChannels, representationSize,
        numClasses, numKeypoints, newMinSizes, newMaxSize, trainableLayers, frozenBatchNorm, boxScoreThreshold, detectionsPerImage, roiSamplesPerImage);
  }

  public DetectorSpec withWidths(double newWidth, int newFpnChannels, int newRepresentationSize) {
    return new DetectorSpec(task, variant, depth, newWidth, newFpnChannels, newRepresentationSize,
        numClasses, numKeypoints, minSizes, maxSize, trainableLayers, frozenBatchNorm, boxScoreThreshold, detectionsPerImage, roiSamplesPerImage);
  }

  public DetectorSpec withTrainableLayers(int layers) {
    return new DetectorSpec(task, variant, depth, widthMultiplier, fpnChannels, representationSize,
        numClasses, numKeypoints, minSizes, maxSize, layers, frozenBatchNorm, boxScoreThreshold, detectionsPerImage, roiSamplesPerImage);
  }

  public DetectorSpec withBoxScoreThreshold(double threshold) {
    return new DetectorSpec(task, variant, depth, widthMultiplier, fpnChannels, representationSize,
        numClasses, numKeypoints, minSizes, maxSize, trainableLayers, frozenBatchNorm, threshold, detectionsPerImage, roiSamplesPerImage);
  }

  /**
   * A model trained from scratch, as torchvision builds one without pretrained weights: trainable
   * batch norm and every stage trained.
   */
  public DetectorSpec fromScratch() {
    return new DetectorSpec(task, variant, depth, widthMultiplier, fpnChannels, representationSize,
        numClasses, numKeypoints, minSizes, maxSize, 5, false, boxScoreThreshold, detectionsPerImage, roiSamplesPerImage);
  }

  public DetectorSpec withFrozenBatchNorm(boolean frozen) {
    return new DetectorSpec(task, variant, depth, widthMultiplier, fpnChannels, representationSize,
        numClasses, numKeypoints, minSizes, maxSize, trainableLayers, frozen, boxScoreThreshold, detectionsPerImage, roiSamplesPerImage);
  }

  public DetectorSpec withRoiSamplesPerImage(int samples) {
    return new DetectorSpec(task, variant, depth, widthMultiplier, fpnChannels, representationSize,
        numClasses, numKeypoints, minSizes, maxSize, trainableLayers, frozenBatchNorm, boxScoreThreshold,
        detectionsPerImage, samples);
  }

  public DetectorSpec withVariant(Variant v) {
    return new DetectorSpec(task, v, depth, widthMultiplier, fpnChannels, representationSize,
        numClasses, numKeypoints, minSizes, maxSize, trainableLayers, frozenBatchNorm, boxScoreThreshold, detectionsPerImage, roiSamplesPerImage);
  }
}
