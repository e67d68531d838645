package io.ticketlab.data.coco;

import io.ticketlab.common.BadInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The cross-reference checks of a COCO ground-truth file that pycocotools does not make: every
 * image, category and annotation id occurs once, and every annotation names an image and a
 * category of the file. pycocotools silently keeps the last of duplicate ids and drops ground truth
 * whose image or category is unknown from the evaluation, so a broken file scores as if it had
 * fewer objects. Strict (the default) refuses the file naming the first offending record; lenient
 * drops the offending records (keeping the first of each id) and says how many.
 */
final class GroundTruthCheck {
  private GroundTruthCheck() {}

  /**
   * The dataset of these records, checked.
   *
   * @param lenient null for strict; else receives one summary message when anything was dropped
   */
  static CocoDataset check(Path file, List<CocoImage> images, List<CocoCategory> categories,
      List<CocoAnnotation> annotations, Consumer<String> lenient) {
    Problems problems = new Problems(file, lenient);
    List<CocoImage> keptImages = new ArrayList<>(images.size());
    Map<Long, Integer> imageAt = new HashMap<>(images.size() * 2);
    for (int i = 0; i < images.size(); i++) {
      CocoImage image = images.get(i);
      Integer first = imageAt.putIfAbsent(image.id(), i);
      if (first != null) {
        problems.record("images[" + i + "]", "id", image.id(),
            "duplicate image id (also images[" + first + "])", Kind.DUPLICATE_IMAGE);
        continue;
      }
      keptImages.add(image);
    }
    List<CocoCategory> keptCategories = new ArrayList<>(categories.size());
    Map<Integer, Integer> categoryAt = new HashMap<>();
    for (int i = 0; i < categories.size(); i++) {
      CocoCategory category = categories.get(i);
      Integer first = categoryAt.putIfAbsent(category.id(), i);
      if (first != null) {
        problems.record("categories[" + i + "]", "id", category.id(),
            "duplicate category id (also categories[" + first + "])", Kind.DUPLICATE_CATEGORY);
        continue;
      }
      keptCategories.add(category);
    }
    List<CocoAnnotation> keptAnnotations = new ArrayList<>(annotations.size());
    Map<Long, Integer> annotationAt = new HashMap<>(annotations.size() * 2);
    for (int i = 0; i < annotations.size(); i++) {
      CocoAnnotation a = annotations.get(i);
      String record = "annotations[" + i + "]";
      if (!imageAt.containsKey(a.imageId())) {
        problems.record(record, "image_id", a.imageId(),
            images.isEmpty() ? "no image with this id in the file (its images list is empty)"
                : "no image with this id in the file", Kind.UNKNOWN_IMAGE);
        continue;
      }
      if (!categoryAt.containsKey(a.categoryId())) {
        problems.record(record, "category_id", a.categoryId(),
            categories.isEmpty() ? "no category with this id in the file (it lists no categories)"
                : "no category with this id in the file", Kind.UNKNOWN_CATEGORY);
        continue;
      }
      Integer first = annotationAt.putIfAbsent(a.id(), i);
      if (first != null) {
        problems.record(record, "id", a.id(),
            "duplicate annotation id (also annotations[" + first + "])", Kind.DUPLICATE_ANNOTATION);
        continue;
      }
      keptAnnotations.add(a);
    }
    problems.report(annotations.size());
    return problems.any() ? new CocoDataset(keptImages, keptCategories, keptAnnotations)
        : new CocoDataset(images, categories, annotations);
  }

  private enum Kind {
    DUPLICATE_IMAGE, DUPLICATE_CATEGORY, UNKNOWN_IMAGE, UNKNOWN_CATEGORY, DUPLICATE_ANNOTATION
  }

  /** Strict: throws on the first problem. Lenient: counts them and reports once. */
  private static final class Problems {
    final Path file;
    final Consumer<String> lenient;
    final int[] counts = new int[Kind.values().length];
    String first;

    Problems(Path file, Consumer<String> lenient) {
      this.file = file;
      this.lenient = lenient;
    }

    void record(String record, String field, Object value, String why, Kind kind) {
      if (lenient == null) {
        throw BadInputException.of(file, record, field, value,
            why + "; pass --lenient to drop such records with a warning");
      }
      if (first == null) {
        first = record + "." + field + " = " + value + ": " + why;
      }
      counts[kind.ordinal()]++;
    }

    boolean any() {
      return first != null;
    }

    void report(int annotations) {
      if (!any()) {
        return;
      }
      int droppedObjects = counts[Kind.UNKNOWN_IMAGE.ordinal()]
          + counts[Kind.UNKNOWN_CATEGORY.ordinal()] + counts[Kind.DUPLICATE_ANNOTATION.ordinal()];
      StringBuilder sb = new StringBuilder();
      sb.append(file == null ? "ground truth" : file.toString()).append(": lenient: dropped ")
          .append(droppedObjects).append(" of ").append(annotations).append(" ground-truth objects (")
          .append(counts[Kind.UNKNOWN_IMAGE.ordinal()]).append(" with an unknown image_id, ")
          .append(counts[Kind.UNKNOWN_CATEGORY.ordinal()]).append(" with an unknown category_id, ")
          .append(counts[Kind.DUPLICATE_ANNOTATION.ordinal()]).append(" with a duplicate id)");
      int dupImages = counts[Kind.DUPLICATE_IMAGE.ordinal()];
      int dupCategories = counts[Kind.DUPLICATE_CATEGORY.ordinal()];
      if (dupImages > 0 || dupCategories > 0) {
        sb.append(String.format(Locale.ROOT,
            " and %d duplicate image and %d duplicate category records", dupImages, dupCategories));
      }
      sb.append("; first: ").append(first);
      lenient.accept(sb.toString());
    }
  }
}
