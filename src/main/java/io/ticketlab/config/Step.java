package io.ticketlab.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.ticketlab.common.BadInputException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point in training, written as open_lth does: {@code "90000it"}, {@code "12ep"} or {@code
 * "1ep500it"} (epochs plus iterations). Epochs are converted with the data set's iterations per
 * epoch when the run knows it, so a rewind point of "1ep" means the end of the first epoch whatever
 * the batch size.
 *
 * @param epochs whole epochs
 * @param iterations iterations on top of the epochs
 */
public record Step(long epochs, long iterations) implements Comparable<Step> {
  private static final Pattern FORMAT =
      Pattern.compile("^\\s*(?:(\\d+)\\s*ep)?\\s*(?:(\\d+)\\s*it)?\\s*$");

  public Step {
    if (epochs < 0 || iterations < 0) {
      throw new IllegalArgumentException("Invalid step: " + epochs + "ep" + iterations + "it");
    }
  }

  /** {@code n} iterations. */
  public static Step ofIterations(long n) {
    return new Step(0, n);
  }

  /** {@code n} epochs. */
  public static Step ofEpochs(long n) {
    return new Step(n, 0);
  }

  /** Parses {@code "90000it"}, {@code "12ep"}, {@code "1ep500it"} as JSON reads it. */
  @JsonCreator
  static Step fromJson(String text) {
    return parse(text);
  }

  /** Parses {@code "90000it"}, {@code "12ep"}, {@code "1ep500it"}; a bare number means iterations. */
  public static Step parse(String text) {
    if (text == null || text.isBlank()) {
      throw BadInputException.of(null, null, "step", text, "expected e.g. 90000it, 12ep or 1ep500it");
    }
    String t = text.toLowerCase(Locale.ROOT);
    if (t.strip().matches("\\d+")) {
      return ofIterations(Long.parseLong(t.strip()));
    }
    Matcher m = FORMAT.matcher(t);
    if (!m.matches() || (m.group(1) == null && m.group(2) == null)) {
      throw BadInputException.of(null, null, "step", text, "expected e.g. 90000it, 12ep or 1ep500it");
    }
    long ep = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
    long it = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
    return new Step(ep, it);
  }

  /** This step in iterations, for a data set of {@code iterationsPerEpoch}. */
  public long toIterations(long iterationsPerEpoch) {
    if (epochs > 0 && iterationsPerEpoch <= 0) {
      throw new IllegalArgumentException(
          "Cannot convert " + this + " to iterations: iterations per epoch unknown");
    }
    return Math.addExact(Math.multiplyExact(epochs, iterationsPerEpoch), iterations);
  }

  @Override
  public int compareTo(Step o) {
    int c = Long.compare(epochs, o.epochs);
    return c != 0 ? c : Long.compare(iterations, o.iterations);
  }

  @JsonValue
  @Override
  public String toString() {
    if (epochs == 0) {
      return iterations + "it";
    }
    return iterations == 0 ? epochs + "ep" : epochs + "ep" + iterations + "it";
  }
}
