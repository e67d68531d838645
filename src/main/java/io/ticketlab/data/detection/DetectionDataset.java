package io.ticketlab.data.detection;

import io.ticketlab.common.BadInputException;
import io.ticketlab.data.coco.CocoAnnotation;
import io.ticketlab.data.coco.CocoCategory;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoImage;
import io.ticketlab.data.coco.CocoReader;
import io.ticketlab.data.coco.Segmentation;
import io.ticketlab.data.detection.SkipReport.Reason;
import io.ticketlab.data.image.ImageDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A COCO instances (or person-keypoints) file and its image folder as detection samples: the
 * Java counterpart of torchvision's detection reference ({@code references/detection/coco_utils.py}:
 * {@code CocoDetection} + {@code ConvertCocoPolysToMask}, and {@code
 * _coco_remove_images_without_annotations} for training).
 *
 * <h2>Targets of one image ({@link #sample(int)})</h2>
 *
 * <ul>
 *   <li>Only annotations of the selected categories; their ids become contiguous labels 1..C in
 *       ascending category id order ({@link #labelOf(int)}, {@link #categoryIdOf(int)}: the inverse
 *       writes COCO results). 0 is the background.
 *   <li>{@code iscrowd = 1} annotations are dropped (in both modes: COCO evaluation reads crowd
 *       regions from the annotation file, not from samples).
 *   <li>Boxes: COCO {@code [x, y, w, h]} → float32 {@code x1 = x, y1 = y, x2 = x + w, y2 = y + h},
 *       clipped to {@code [0, width] × [0, height]}; a box with {@code x2 <= x1} or {@code y2 <= y1}
 *       after clipping is dropped with its mask and keypoints (counted as {@link
 *       Reason#DEGENERATE_BOX}).
 *   <li>Masks (optional): pycocotools' {@code annToMask} of polygons, compressed or uncompressed
 *       RLE at the image's size, row-major.
 *   <li>Keypoints (optional): float32 {@code x, y, v} as the file gives them, not clipped;
 *       annotations of categories without keypoints get all-zero keypoints.
 * </ul>
 *
 * <h2>Images ({@link DetectionOptions.Mode})</h2>
 *
 * In {@code TRAIN} mode an image is kept only when, counting all its annotations of the selected
 * categories (crowds included, as the reference does), (1) there is at least one, (2) not every box
 * has {@code w <= 1} or {@code h <= 1}, and (3) with keypoints, at least {@value
 * #MIN_KEYPOINTS_PER_IMAGE} keypoints have {@code v > 0}. As in the reference, an image kept by
 * these rules can still end up with zero targets (e.g. only crowds): models must accept K = 0.
 * Training with zero kept images is bad input. {@code EVAL} mode keeps every image, in file order.
 *
 * <p>Opening checks the whole file and every image file's existence; what was left out is counted
 * in {@link #skipReport()} and logged as one warning line. Only annotations are kept in memory:
 * {@link #sample(int)} decodes the image on each call. Instances are immutable and thread-safe.
 */
public final class DetectionDataset {
  private static final Logger LOG = LoggerFactory.getLogger(DetectionDataset.class);

  /** The reference's {@code min_keypoints_per_image} for training images. */
  public static final int MIN_KEYPOINTS_PER_IMAGE = 10;

  private final Path annotationFile;
  private final Path imageDir;
  private final DetectionOptions options;
  private final CocoDataset coco;
  private final List<CocoCategory> classes;
  private final Map<Integer, Integer> labelOfCategory;
  private final int numKeypoints;
  private final List<String> keypointNames;
  private final int[] imageIndices;
  private final int[][] targetAnnotations;
  private final SkipReport skipReport;

  private DetectionDataset(
      CocoDataset coco, Path annotationFile, Path imageDir, DetectionOptions options) {
    this.coco = coco;
    this.annotationFile = annotationFile;
    this.imageDir = imageDir;
    this.options = options;

    // Categories → contiguous labels.
    List<CocoCategory> selected = selectCategories(coco, annotationFile, options);
    this.classes = List.copyOf(selected);
    Map<Integer, Integer> labels = new LinkedHashMap<>();
    for (int i = 0; i < selected.size(); i++) {
      labels.put(selected.get(i).id(), i + 1);
    }
    this.labelOfCategory = Collections.unmodifiableMap(labels);

    // Keypoints.
    int kp = 0;
    List<String> names = List.of();
    if (options.keypoints()) {
      for (CocoCategory c : selected) {
        if (!c.hasKeypoints()) {
          continue;
        }
        if (kp != 0 && c.keypoints().size() != kp) {
          throw BadInputException.of(annotationFile, "categories", "keypoints",
              "category " + c.id() + " with " + c.keypoints().size() + " keypoints",
              "every selected keypoint category must have the same number of keypoints (" + kp
                  + ")");
        }
        kp = c.keypoints().size();
        names = c.keypoints();
      }
      if (kp == 0) {
        throw BadInputException.of(annotationFile, null, "categories", null,
            "keypoints requested, but no selected category defines keypoints");
      }
    }
    this.numKeypoints = kp;
    this.keypointNames = names;

    // Annotations: check, group by image.
    Map<Long, Integer> imageIndexById = new HashMap<>();
    List<CocoImage> images = coco.images();
    for (int i = 0; i < images.size(); i++) {
      CocoImage image = images.get(i);
      if (image.width() < 0 || image.height() < 0) {
        throw BadInputException.of(annotationFile, imageRecord(i, image), "width/height",
            image.width() + "x" + image.height(), "negative image size");
      }
      imageIndexById.putIfAbsent(image.id(), i);
    }
    EnumMap<Reason, Integer> skipped = new EnumMap<>(Reason.class);
    List<List<Integer>> byImage = new ArrayList<>(images.size());
    for (int i = 0; i < images.size(); i++) {
      byImage.add(new ArrayList<>(2));
    }
    List<CocoAnnotation> annotations = coco.annotations();
    for (int a = 0; a < annotations.size(); a++) {
      CocoAnnotation ann = annotations.get(a);
      Integer imageIndex = imageIndexById.get(ann.imageId());
      if (imageIndex == null) {
        throw BadInputException.of(annotationFile, "annotations[" + a + "]", "image_id",
            ann.imageId(), "no image with this id");
      }
      CocoCategory category = coco.category(ann.categoryId());
      if (category == null) {
        throw BadInputException.of(annotationFile, "annotations[" + a + "]", "category_id",
            ann.categoryId(), "no category with this id");
      }
      if (ann.keypoints() != null && category.hasKeypoints()
          && ann.keypoints().length != 3 * category.keypoints().size()) {
        throw BadInputException.of(annotationFile, "annotations[" + a + "]", "keypoints",
            "array of " + ann.keypoints().length + " numbers",
            "expected 3 x " + category.keypoints().size() + " values for category "
                + category.id());
      }
      if (!labelOfCategory.containsKey(ann.categoryId())) {
        increment(skipped, Reason.UNSELECTED_CATEGORY);
        continue;
      }
      checkAnnotation(a, ann, category, images.get(imageIndex));
      byImage.get(imageIndex).add(a);
    }

    // Images: the training filter, then the targets of each kept image.
    boolean train = options.mode() == DetectionOptions.Mode.TRAIN;
    List<Integer> kept = new ArrayList<>();
    List<int[]> targets = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      List<Integer> anns = byImage.get(i);
      if (train) {
        Reason drop = trainingDropReason(anns);
        if (drop != null) {
          increment(skipped, drop);
          continue;
        }
      }
      CocoImage image = images.get(i);
      int[] use = new int[anns.size()];
      int n = 0;
      for (int a : anns) {
        CocoAnnotation ann = annotations.get(a);
        if (ann.crowd()) {
          increment(skipped, Reason.CROWD_ANNOTATION);
        } else if (clippedBox(ann.bbox(), image.width(), image.height()) == null) {
          increment(skipped, Reason.DEGENERATE_BOX);
        } else {
          use[n++] = a;
        }
      }
      Path file = imageFile(i, image);
      if (!Files.isRegularFile(file)) {
        throw BadInputException.of(annotationFile, imageRecord(i, image), "file_name", file,
            "image file not found");
      }
      kept.add(i);
      targets.add(Arrays.copyOf(use, n));
    }
    this.imageIndices = kept.stream().mapToInt(Integer::intValue).toArray();
    this.targetAnnotations = targets.toArray(new int[0][]);
    this.skipReport = new SkipReport(skipped);
    if (train && imageIndices.length == 0) {
      throw new BadInputException("no training images with annotations in " + annotationFile
          + " (" + images.size() + " images, " + annotations.size() + " annotations; skipped: "
          + skipReport + ")");
    }
    int dropped = skipReport.count(Reason.CROWD_ANNOTATION) + skipReport.count(Reason.DEGENERATE_BOX)
        + skipReport.count(Reason.IMAGE_WITHOUT_ANNOTATIONS)
        + skipReport.count(Reason.IMAGE_WITH_ONLY_TINY_BOXES)
        + skipReport.count(Reason.IMAGE_WITH_TOO_FEW_KEYPOINTS);
    String warning = annotationFile + ": " + imageIndices.length + " of " + images.size()
        + " images used; left out: " + skipReport;
    if (dropped > 0 && WARNED.add(warning)) { // once per process: a run opens its data more than once
      LOG.warn(warning);
    }
  }

  /** The skip warnings given so far in this process. */
  private static final java.util.Set<String> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Reads a COCO file and opens it; file names in it are resolved against {@code imageDir}. */
  public static DetectionDataset open(
      Path annotationFile, Path imageDir, DetectionOptions options) {
    return new DetectionDataset(
        CocoReader.readDataset(annotationFile), annotationFile, imageDir, options);
  }

  /**
   * Opens an already read COCO dataset; {@code annotationFile} is only used to name it in errors
   * and log lines.
   */
  public static DetectionDataset of(
      CocoDataset coco, Path annotationFile, Path imageDir, DetectionOptions options) {
    return new DetectionDataset(coco, annotationFile, imageDir, options);
  }

  /** Number of samples (images kept). */
  public int size() {
    return imageIndices.length;
  }

  /** The annotation file. */
  public Path annotationFile() {
    return annotationFile;
  }

  /** The folder that image file names are resolved against. */
  public Path imageDir() {
    return imageDir;
  }

  /** The options it was opened with. */
  public DetectionOptions options() {
    return options;
  }

  /** The whole COCO file (all images, categories and annotations, as read). */
  public CocoDataset coco() {
    return coco;
  }

  /** What was left out and why. */
  public SkipReport skipReport() {
    return skipReport;
  }

  /** Number of object classes C (labels 1..C; the model has C + 1 outputs with the background). */
  public int numClasses() {
    return classes.size();
  }

  /** The selected categories in label order: label {@code l} is {@code classes().get(l - 1)}. */
  public List<CocoCategory> classes() {
    return classes;
  }

  /** Category id → label (1..C), in ascending category id order. */
  public Map<Integer, Integer> labelMap() {
    return labelOfCategory;
  }

  /** The label of a selected category id. */
  public int labelOf(int categoryId) {
    Integer label = labelOfCategory.get(categoryId);
    if (label == null) {
      throw new IllegalArgumentException("category " + categoryId + " is not selected");
    }
    return label;
  }

  /** The COCO category id of a label 1..C (for results files). */
  public int categoryIdOf(int label) {
    if (label < 1 || label > classes.size()) {
      throw new IllegalArgumentException(
          "label " + label + " is not in 1.." + classes.size() + " (0 is the background)");
    }
    return classes.get(label - 1).id();
  }

  /** Keypoints per instance, 0 when keypoints were not requested. */
  public int numKeypoints() {
    return numKeypoints;
  }

  /** The keypoint names of the selected keypoint category, empty without keypoints. */
  public List<String> keypointNames() {
    return keypointNames;
  }

  /**
   * The keypoint permutation of a horizontal flip: left/right name pairs of the category, or
   * COCO's person pairs when the names do not give one (see {@link
   * DetectionAugment#keypointFlipIndices(List, int)}).
   */
  public int[] keypointFlipIndices() {
    return DetectionAugment.keypointFlipIndices(keypointNames, numKeypoints);
  }

  /** The COCO image of sample {@code index}, without decoding it (id, size, file name). */
  public CocoImage image(int index) {
    return coco.images().get(imageIndices[checkIndex(index)]);
  }

  /** The COCO image id of sample {@code index}. */
  public long imageId(int index) {
    return image(index).id();
  }

  /** The number of instances of sample {@code index}, without decoding it. */
  public int instances(int index) {
    return targetAnnotations[checkIndex(index)].length;
  }

  /**
   * Checks that every sample's image file is a whole JPEG, PNG, BMP or GIF ({@link
   * ImageDecoder#checkFile}: its first and last bytes, a full decode only where its end marker is
   * not found): a training run calls this before it creates its run folder, so that a file that is
   * no image, or one truncated after a valid header, is refused before anything is written.
   *
   * @throws BadInputException naming the image file and its annotation record
   */
  public void checkImageFiles() {
    for (int imageIndex : imageIndices) {
      CocoImage image = coco.images().get(imageIndex);
      ImageDecoder.checkFile(imageFile(imageIndex, image), imageRecord(imageIndex, image));
    }
  }

  /** Decodes the image of sample {@code index} and builds its targets; thread-safe. */
  public DetectionSample sample(int index) {
    int imageIndex = imageIndices[checkIndex(index)];
    CocoImage image = coco.images().get(imageIndex);
    String record = imageRecord(imageIndex, image);
    RgbImage rgb = RgbImage.read(imageFile(imageIndex, image), record, options.exifOrientation());
    if (rgb.width() != image.width() || rgb.height() != image.height()) {
      throw BadInputException.of(annotationFile, record, "width/height",
          image.width() + "x" + image.height(),
          "the image file " + imageFile(imageIndex, image) + " is " + rgb.width() + "x"
              + rgb.height() + (options.exifOrientation() ? " turned as its EXIF orientation says" : ""));
    }
    int h = image.height();
    int w = image.width();
    int[] use = targetAnnotations[index];
    int k = use.length;
    float[] boxes = new float[4 * k];
    int[] labels = new int[k];
    byte[][] masks = options.masks() ? new byte[k][] : null;
    float[] keypoints = options.keypoints() ? new float[3 * numKeypoints * k] : null;
    for (int j = 0; j < k; j++) {
      CocoAnnotation ann = coco.annotations().get(use[j]);
      float[] box = clippedBox(ann.bbox(), w, h);
      System.arraycopy(box, 0, boxes, 4 * j, 4);
      labels[j] = labelOfCategory.get(ann.categoryId());
      if (masks != null) {
        masks[j] = rowMajor(ann.segmentation().toRle(h, w).decode(), h, w);
      }
      if (keypoints != null && ann.keypoints() != null
          && ann.keypoints().length == 3 * numKeypoints) {
        double[] kp = ann.keypoints();
        for (int v = 0; v < kp.length; v++) {
          keypoints[3 * numKeypoints * j + v] = (float) kp[v];
        }
      }
    }
    return new DetectionSample(image.id(), image.fileName(), h, w, rgb.chw(), boxes, labels, masks,
        keypoints, numKeypoints);
  }

  @Override
  public String toString() {
    return "DetectionDataset[" + annotationFile + ", " + size() + " images, " + numClasses()
        + " classes, " + options.mode() + "]";
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * The float32 box of the reference: {@code x + w} is added in float32, then each coordinate is
   * clamped to the image; null when degenerate after clipping.
   */
  static float[] clippedBox(double[] bbox, int width, int height) {
    float x = (float) bbox[0];
    float y = (float) bbox[1];
    float x2 = x + (float) bbox[2];
    float y2 = y + (float) bbox[3];
    float[] box = {clamp(x, width), clamp(y, height), clamp(x2, width), clamp(y2, height)};
    if (!(box[3] > box[1]) || !(box[2] > box[0])) {
      return null;
    }
    return box;
  }

  private static float clamp(float v, int max) {
    return Math.min(Math.max(v, 0f), (float) max);
  }

  private static byte[] rowMajor(byte[] columnMajor, int h, int w) {
    byte[] out = new byte[h * w];
    for (int x = 0; x < w; x++) {
      int column = x * h;
      for (int y = 0; y < h; y++) {
        out[y * w + x] = columnMajor[column + y];
      }
    }
    return out;
  }

  private Reason trainingDropReason(List<Integer> anns) {
    if (anns.isEmpty()) {
      return Reason.IMAGE_WITHOUT_ANNOTATIONS;
    }
    boolean onlyTiny = true;
    int labelledKeypoints = 0;
    for (int a : anns) {
      CocoAnnotation ann = coco.annotations().get(a);
      double[] b = ann.bbox();
      if (!(b[2] <= 1 || b[3] <= 1)) {
        onlyTiny = false;
      }
      double[] kp = ann.keypoints();
      if (kp != null) {
        for (int v = 2; v < kp.length; v += 3) {
          if (kp[v] > 0) {
            labelledKeypoints++;
          }
        }
      }
    }
    if (onlyTiny) {
      return Reason.IMAGE_WITH_ONLY_TINY_BOXES;
    }
    if (options.keypoints() && labelledKeypoints < MIN_KEYPOINTS_PER_IMAGE) {
      return Reason.IMAGE_WITH_TOO_FEW_KEYPOINTS;
    }
    return null;
  }

  private void checkAnnotation(int a, CocoAnnotation ann, CocoCategory category, CocoImage image) {
    String record = "annotations[" + a + "]";
    if (ann.bbox() == null) {
      throw BadInputException.of(annotationFile, record, "bbox", null,
          "missing (a detection target needs a box)");
    }
    if (ann.crowd()) {
      return;
    }
    if (options.masks()) {
      Segmentation s = ann.segmentation();
      if (s == null) {
        throw BadInputException.of(annotationFile, record, "segmentation", null,
            "missing (masks were requested)");
      }
      if (s instanceof Segmentation.RunLength r
          && (r.rle().height() != image.height() || r.rle().width() != image.width())) {
        throw BadInputException.of(annotationFile, record, "segmentation.size",
            "[" + r.rle().height() + ", " + r.rle().width() + "]",
            "image " + image.id() + " is " + image.height() + " x " + image.width()
                + " (height x width)");
      }
    }
    if (options.keypoints() && category.hasKeypoints() && ann.keypoints() == null) {
      throw BadInputException.of(annotationFile, record, "keypoints", null,
          "missing (keypoints were requested and category " + category.id() + " has keypoints)");
    }
  }

  private Path imageFile(int imageIndex, CocoImage image) {
    if (image.fileName() == null || image.fileName().isEmpty()) {
      throw BadInputException.of(annotationFile, imageRecord(imageIndex, image), "file_name",
          null, "missing");
    }
    return imageDir.resolve(image.fileName()).normalize();
  }

  private static String imageRecord(int imageIndex, CocoImage image) {
    return "images[" + imageIndex + "] (id " + image.id() + ")";
  }

  private int checkIndex(int index) {
    if (index < 0 || index >= imageIndices.length) {
      throw new IndexOutOfBoundsException(
          "sample " + index + " of a dataset of " + imageIndices.length + " images");
    }
    return index;
  }

  private static List<CocoCategory> selectCategories(
      CocoDataset coco, Path file, DetectionOptions options) {
    for (int id : options.categoryIds()) {
      if (coco.category(id) == null) {
        throw BadInputException.of(file, null, "category ids", id,
            "no category with this id in the file");
      }
    }
    Map<Integer, CocoCategory> byId = new LinkedHashMap<>();
    for (CocoCategory c : coco.categories()) {
      byId.putIfAbsent(c.id(), c);
    }
    List<CocoCategory> selected = new ArrayList<>();
    for (CocoCategory c : byId.values()) {
      if (!options.categoryIds().isEmpty() && !options.categoryIds().contains(c.id())) {
        continue;
      }
      if (options.personOnly() && !c.hasKeypoints()) {
        continue;
      }
      selected.add(c);
    }
    selected.sort(Comparator.comparingInt(CocoCategory::id));
    if (selected.isEmpty()) {
      throw BadInputException.of(file, null, "categories",
          options.personOnly() ? "keypoint categories only" : options.categoryIds().toString(),
          "no category of the file is selected");
    }
    return selected;
  }

  private static void increment(Map<Reason, Integer> counts, Reason reason) {
    counts.merge(reason, 1, Integer::sum);
  }
}
