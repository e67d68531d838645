package io.ticketlab.eval.voc;

/** How VOC turns a precision/recall curve into AP. */
public enum VocMetric {
  /** VOC2007: mean of the interpolated precision at recall 0, 0.1, ..., 1 (11 points). */
  VOC07,
  /** VOC2010 and later: area under the monotone precision envelope (all points). */
  VOC12;

  /** Parses "07"/"2007"/"voc07" or "12"/"2012"/"voc12"/"10"/"2010". */
  public static VocMetric parse(String s) {
    String t = s.toLowerCase(java.util.Locale.ROOT).replace("voc", "");
    return switch (t) {
      case "07", "2007" -> VOC07;
      case "10", "2010", "12", "2012" -> VOC12;
      default -> throw new IllegalArgumentException("expected 07 or 12, got '" + s + "'");
    };
  }
}
