package io.ticketlab.train.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.ticketlab.engine.Placement;
import io.ticketlab.model.boxes.DetectionTarget;
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
   * The batch as {@code parts} consecutive micro-batches of equal size (gradient accumulation,
   * data parallelism). Each part gets its own generator, seeded in part order from the batch's,
   * so a part's random choices do not depend on which device forwards it or when: a run stays
   * deterministic on one device or several.
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
          images.subList(p * size, (p + 1) * size), targets.subList(p * size, (p + 1) * size),
          new Random(random.nextLong())));
    }
    return out;
  }

  /**
   * This batch with its images on {@code manager}'s device and owned by it (targets are Java
   * arrays and stay as they are); the batch itself when they are there already.
   */
  public DetectionBatch to(NDManager manager) {
    if (images.stream().allMatch(image -> image.getManager() == manager)) {
      return this;
    }
    List<NDArray> moved = new ArrayList<>(images.size());
    for (NDArray image : images) {
      moved.add(Placement.to(image, manager));
    }
    return new DetectionBatch(moved, targets, random);
  }

}
