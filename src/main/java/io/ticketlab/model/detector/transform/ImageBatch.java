package io.ticketlab.model.detector.transform;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Transformed images ready for the backbone (torchvision's {@code ImageList} plus targets).
 *
 * @param tensors [N, 3, H, W], zero padded to a multiple of the size divisor
 * @param imageSizes the size of each image after resizing, before padding
 * @param originalSizes the size of each image as given
 * @param boxes per image [K_i, 4] boxes in resized pixels, or an empty list when none were given
 */
public record ImageBatch(
    NDArray tensors, List<ImageSize> imageSizes, List<ImageSize> originalSizes, List<NDArray> boxes) {
  public ImageBatch {
    imageSizes = List.copyOf(imageSizes);
    originalSizes = List.copyOf(originalSizes);
    boxes = List.copyOf(boxes);
  }
}
