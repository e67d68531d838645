package io.ticketlab.analysis.tide;

/**
 * TIDE's six main error types, in tidecv's order. A detection that is not a true positive gets
 * exactly one of the first five (the first rule that applies, in the order Bkg-without-GT, LOC,
 * CLS, DUPE, BKG, BOTH); a ground truth that no detection found, and that no CLS or LOC error
 * could fix, is a MISS.
 */
public enum TideErrorType {
  /** Classification error: IoU ≥ foreground threshold with a GT of another class. */
  CLS("Cls"),
  /** Localisation error: right class, background ≤ IoU ≤ foreground threshold. */
  LOC("Loc"),
  /** Both wrong class and poor localisation (tidecv's {@code OtherError}). */
  BOTH("Both"),
  /** Duplicate: would match a GT of its class that a higher-scored detection already took. */
  DUPE("Dupe"),
  /** Background: IoU ≤ background threshold with every GT (or the image has no GT). */
  BKG("Bkg"),
  /** Missed ground truth. */
  MISS("Miss");

  private final String shortName;

  TideErrorType(String shortName) {
    this.shortName = shortName;
  }

  /** tidecv's short name ({@code "Cls"}, {@code "Loc"}, ...), used in tables and JSON. */
  public String shortName() {
    return shortName;
  }

  /** The type with this short name (case-insensitive). */
  public static TideErrorType ofShortName(String name) {
    for (TideErrorType t : values()) {
      if (t.shortName.equalsIgnoreCase(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown TIDE error type: " + name);
  }
}
