package io.ticketlab.train.detect;

import ai.djl.ndarray.NDArray;
import io.ticketlab.model.detector.DetectionTarget;
import java.util.List;
import java.util.Random;

/**
 * One training batch: images (float [3, H, W] in [0, 1], original sizes), their targets in
 * original pixels, and the generator of the iteration's random choices (multi-scale size, RPN and
 * RoI sampling), seeded by the iteration alone so that a resumed run repeats them.
 */
public record DetectionBatch(List<NDArray> images, List<DetectionTarget> targets, Random random) {}
