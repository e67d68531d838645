package io.ticketlab.common;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A problem with what the user gave us: a malformed file, an unknown id, a wrong shape, an
 * impossible option. The CLI prints {@link #getMessage()} as one line and exits with code 2,
 * without a stack trace unless {@code --verbose} is set.
 *
 * <p>Build messages with {@link #of(Path, String, String, Object, String)} so that every error
 * names the file, the record, the field and the offending value in the same way:
 * {@code gt.json: annotations[17].bbox: bad value [1.0, NaN, 3.0, 4.0]: width is not a finite number}.
 */
public class BadInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadInputException(String message) {
    super(Objects.requireNonNull(message, "message"));
  }

  public BadInputException(String message, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
  }

  /**
   * A message naming where the bad value sits.
   *
   * @param file the file that holds it, or null when it did not come from a file
   * @param record the record inside the file, e.g. {@code "annotations[17]"}, or null
   * @param field the field of that record, e.g. {@code "bbox"}, or null
   * @param value the offending value, or null when there is none to show
   * @param problem what is wrong with it, in a few words
   */
  public static BadInputException of(
      Path file, String record, String field, Object value, String problem) {
    return new BadInputException(describe(file, record, field, value, problem));
  }

  /** The same text as {@link #of}, for callers that wrap another exception. */
  public static String describe(
      Path file, String record, String field, Object value, String problem) {
    StringBuilder sb = new StringBuilder();
    if (file != null) {
      sb.append(file).append(": ");
    }
    if (record != null) {
      sb.append(record);
      if (field != null) {
        sb.append('.');
      }
    }
    if (field != null) {
      sb.append(field);
    }
    if (record != null || field != null) {
      sb.append(": ");
    }
    if (value != null) {
      sb.append("bad value ").append(abbreviate(String.valueOf(value))).append(": ");
    }
    sb.append(problem);
    return sb.toString();
  }

  private static String abbreviate(String s) {
    String oneLine = s.replace('\n', ' ').replace('\r', ' ');
    return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 117) + "...";
  }
}
