package io.ticketlab.model.detector.transform;

/** An image's height and width in pixels (torchvision's {@code image_sizes} entries, (h, w)). */
public record ImageSize(int height, int width) {
  public ImageSize {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException("image size must be positive: " + height + "×" + width);
    }
  }

  /** {height, width}, the form {@code MultiScaleRoiAlign} takes. */
  public int[] toArray() {
    return new int[] {height, width};
  }
}
