package io.ticketlab.data.detection;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@link DetectionDataset} left out of its samples and why, counted once when the dataset is
 * opened (annotation reasons count annotations, image reasons count images).
 *
 * @param counts reason → count; reasons that did not occur are absent
 */
public record SkipReport(Map<Reason, Integer> counts) {

  /** Why an annotation or an image is not part of the samples. */
  public enum Reason {
    /** {@code iscrowd = 1}: not a training target (COCO evaluation reads crowds from the file). */
    CROWD_ANNOTATION,
    /** Box empty after clipping to the image ({@code x2 <= x1} or {@code y2 <= y1}). */
    DEGENERATE_BOX,
    /** Annotation of a category that is not selected. */
    UNSELECTED_CATEGORY,
    /** Training only: an image with no annotation of the selected categories. */
    IMAGE_WITHOUT_ANNOTATIONS,
    /** Training only: every box of the image is at most 1 pixel wide or high. */
    IMAGE_WITH_ONLY_TINY_BOXES,
    /** Training with keypoints only: fewer than 10 labelled keypoints in the image. */
    IMAGE_WITH_TOO_FEW_KEYPOINTS
  }

  public SkipReport {
    EnumMap<Reason, Integer> copy = new EnumMap<>(Reason.class);
    counts.forEach((reason, n) -> {
      if (n != null && n > 0) {
        copy.put(reason, n);
      }
    });
    counts = Collections.unmodifiableMap(copy);
  }

  /** The count for one reason, 0 when it did not occur. */
  public int count(Reason reason) {
    return counts.getOrDefault(reason, 0);
  }

  /** Whether nothing was skipped. */
  public boolean isEmpty() {
    return counts.isEmpty();
  }

  /** {@code "crowd_annotation=3, degenerate_box=1"}, or {@code "nothing"}. */
  @Override
  public String toString() {
    if (counts.isEmpty()) {
      return "nothing";
    }
    return counts.entrySet().stream()
        .map(e -> e.getKey().name().toLowerCase(java.util.Locale.ROOT) + "=" + e.getValue())
        .collect(Collectors.joining(", "));
  }
}
