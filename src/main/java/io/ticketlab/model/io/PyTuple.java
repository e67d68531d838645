package io.ticketlab.model.io;

import java.util.List;

/**
 * A Python tuple read from a pickle (lists read as {@link java.util.List}, so the two stay
 * apart). See {@link PthReader#readObject} for how other Python values map to Java.
 */
public record PyTuple(List<Object> items) {
  public PyTuple {
    items = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(items));
  }

  /** Item {@code i}. */
  public Object get(int i) {
    return items.get(i);
  }

  /** Number of items. */
  public int size() {
    return items.size();
  }

  @Override
  public String toString() {
    return "tuple" + items;
  }
}
