package io.ticketlab.eval.coco;

import java.util.Locale;

/** What a COCO evaluation compares: boxes, masks or keypoints (OKS). */
public enum IouType {
  BBOX,
  SEGM,
  KEYPOINTS;

  /** The name COCO uses ({@code bbox}, {@code segm}, {@code keypoints}). */
  public String cocoName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses COCO's name, case-insensitively; throws IllegalArgumentException for others. */
  public static IouType parse(String name) {
    for (IouType t : values()) {
      if (t.cocoName().equalsIgnoreCase(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("expected bbox, segm or keypoints, got '" + name + "'");
  }
}
