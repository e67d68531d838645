package io.ticketlab.storage;

import io.ticketlab.common.FloatTensor;
import java.util.LinkedHashMap;

/** The tensors stored in the version-1 fixture files under {@code src/test/resources/storage/v1}. */
final class FixtureTensors {
  private FixtureTensors() {}

  /** A small conv weight at ~70% sparsity with a -0.0 and a NaN, a bias and an empty tensor. */
  static LinkedHashMap<String, FloatTensor> tensors() {
    LinkedHashMap<String, FloatTensor> m = new LinkedHashMap<>();
    float[] w = new float[4 * 3 * 3 * 3];
    for (int i = 0; i < w.length; i++) {
      w[i] = i % 10 < 3 ? (i - 50) / 16f : 0f;
    }
    w[1] = -0.0f;
    w[2] = Float.intBitsToFloat(0x7FC00123);
    m.put("layer1.0.conv1.weight", new FloatTensor(new int[] {4, 3, 3, 3}, w));
    m.put("fc.bias", new FloatTensor(new int[] {3}, new float[] {0.25f, 0f, -1.5f}));
    m.put("empty", new FloatTensor(new int[] {0}, new float[0]));
    return m;
  }
}
