package io.ticketlab.eval.coco;

/**
 * A range of object areas in pixels² with a label (COCO: all, small &lt; 32², medium, large &gt;
 * 96²). Closed at both ends, as in pycocotools: an area of exactly 32² is both small and medium.
 */
public record AreaRange(String label, double min, double max) {
  public static final AreaRange ALL = new AreaRange("all", 0, 1e10);
  public static final AreaRange SMALL = new AreaRange("small", 0, 32 * 32);
  public static final AreaRange MEDIUM = new AreaRange("medium", 32 * 32, 96 * 96);
  public static final AreaRange LARGE = new AreaRange("large", 96 * 96, 1e10);

  /** Whether {@code area} lies in the range (both ends included). */
  public boolean contains(double area) {
    return !(area < min || area > max);
  }
}
