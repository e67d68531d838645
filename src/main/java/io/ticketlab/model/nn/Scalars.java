package io.ticketlab.model.nn;

import ai.djl.ndarray.NDArray;

/**
 * Arithmetic with a constant inside a differentiable graph. DJL's {@code NDArray.mul(Number)},
 * {@code div(Number)}, {@code maximum(Number)} ... wrap the constant in a temporary array and close
 * it right after the operation; autograd saves that constant for the backward pass, and its memory
 * belongs to a Java buffer that the garbage collector may then free: gradients read freed memory
 * (wrong, irreproducible, sometimes NaN). These helpers keep the constant alive with the result's
 * manager (and the current {@code NDScope}). Use them for every op-with-a-number whose backward
 * needs the number: mul, div, maximum, minimum, pow ({@code add}/{@code sub} do not save it).
 */
public final class Scalars {
  private Scalars() {}

  /** A scalar of {@code x}'s type and device that lives as long as {@code x}'s manager or scope. */
  public static NDArray of(NDArray x, float value) {
    return x.getManager().create(value).toType(x.getDataType(), false).toDevice(x.getDevice(), false);
  }

  public static NDArray mul(NDArray x, float value) {
    return x.mul(of(x, value));
  }

  public static NDArray div(NDArray x, float value) {
    return x.div(of(x, value));
  }

  public static NDArray maximum(NDArray x, float value) {
    return x.maximum(of(x, value));
  }

  public static NDArray minimum(NDArray x, float value) {
    return x.minimum(of(x, value));
  }
}
