package io.ticketlab.train;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The loss terms of one forward pass by name (e.g. {@code loss_classifier}, {@code loss_box_reg},
 * {@code loss_objectness}, {@code loss_rpn_box_reg}, {@code loss_mask}, as torchvision names them);
 * the training loss is their sum.
 */
public final class Losses {
  private final Map<String, NDArray> terms;

  private Losses(Map<String, NDArray> terms) {
    if (terms.isEmpty()) {
      throw new IllegalArgumentException("No loss terms");
    }
    this.terms = Collections.unmodifiableMap(new LinkedHashMap<>(terms));
  }

  public static Losses of(Map<String, NDArray> terms) {
    return new Losses(terms);
  }

  public static Losses single(String name, NDArray loss) {
    return new Losses(Map.of(name, loss));
  }

  public Map<String, NDArray> terms() {
    return terms;
  }

  /** The sum of all terms (a scalar array). */
  public NDArray total() {
    NDArray sum = null;
    for (NDArray t : terms.values()) {
      sum = sum == null ? t : sum.add(t);
    }
    return sum;
  }
}
