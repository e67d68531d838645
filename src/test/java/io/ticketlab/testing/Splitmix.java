package io.ticketlab.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The input generator of the Python fixture scripts ({@code splitmix_uniform} in
 * {@code src/test/python/make_roi_fixtures.py}): splitmix64 of (stream << 32) + index, top 24 bits,
 * mapped to [-1, 1) in double and rounded once to float, so inputs are bit-identical without
 * being stored. Also small helpers to read JSON fixtures.
 */
public final class Splitmix {
  private Splitmix() {}

  public static double uniform(long stream, long i) {
    long z = (stream << 32) + i + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return 2.0 * ((z >>> 40) / (double) (1 << 24)) - 1.0;
  }

  public static float[] floats(long stream, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) uniform(stream, i);
    }
    return out;
  }

  /** A float32 array of the given shape filled from {@code stream}. */
  public static NDArray array(NDManager manager, long stream, long... shape) {
    Shape s = new Shape(shape);
    return manager.create(floats(stream, (int) s.size()), s);
  }

  public static JsonNode json(String resource) {
    try (InputStream in = Splitmix.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("missing test resource " + resource);
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static double[] doubles(JsonNode array) {
    double[] d = new double[array.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = array.get(i).asDouble();
    }
    return d;
  }

  public static long[] longs(JsonNode array) {
    long[] d = new long[array.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = array.get(i).asLong();
    }
    return d;
  }

  /** Largest absolute difference; fails on length mismatch. */
  public static double maxAbsDiff(float[] actual, double[] expected) {
    if (actual.length != expected.length) {
      throw new AssertionError("length " + actual.length + " != expected " + expected.length);
    }
    double worst = 0;
    for (int i = 0; i < actual.length; i++) {
      worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
    }
    return worst;
  }
}
