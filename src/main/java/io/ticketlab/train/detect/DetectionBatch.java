package io.ticketlab.train.detect;

import ai.djl.ndarray.NDArray;
import io.ticketlab.model.detector.DetectionTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One training batch: images (float [3, H, W] in [0, 1], original sizes), their targets in
 * original pixels, and the generator of the iteration's random choices (multi-scale size, RPN and
 * RoI sampling), seeded by the iteration alone so that a resumed run repeats them.
 */
public record DetectionBatch(List<NDArray> images, List<DetectionTarget> targets, Random random) {

  /**
   * The batch as {@code parts} consecutive micro-batches of equal size (gradient accumulation);
   * they share the iteration's random generator, used in order, so a run stays deterministic.
   */
  public List<DetectionBatch> split(int parts) {
    if (parts == 1) {
      return List.of(this);
    }
    if (parts < 1 || images.size() % parts != 0) {
      throw new IllegalArgumentException("cannot split " + images.size() + " images into " + parts + " equal parts");
    }
    int size = images.size() / parts;
    List<DetectionBatch> out = new ArrayList<>(parts);
    for (int p = 0; p < parts; p++) {
      out.add(new DetectionBatch(
          images.subList(p * size, (p + 1) * size), targets.subList(p * size, (p + 1) * size), random));
    }
    return out;
  }
}
