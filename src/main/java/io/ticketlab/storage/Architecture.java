package io.ticketlab.storage;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network as far as storage and compute accounting need it: the layers whose MACs count (conv,
 * transposed conv, linear) and the shapes of all its parameters and buffers in state-dict order
 * (weights, biases, batch-norm tensors), under torchvision's names.
 *
 * @param name e.g. {@code "resnet50"}
 * @param input the input it was built for, e.g. {@code "3x224x224"}
 * @param layers the counted layers, in forward order
 * @param parameterShapes every float tensor of its state dict by name (unmodifiable): parameters
 *     and batch-norm buffers (running mean and variance), not the integer {@code num_batches_tracked}
 * @param learnableParameters what torchvision's {@code sum(p.numel() for p in model.parameters())}
 *     gives: conv/linear weights and biases, and batch-norm scale and shift unless the norm is frozen
 */
public record Architecture(
    String name, String input, List<Layer> layers, Map<String, int[]> parameterShapes, long learnableParameters) {

  public Architecture {
    layers = List.copyOf(layers);
    parameterShapes = Collections.unmodifiableMap(new LinkedHashMap<>(parameterShapes));
  }

  /** Total dense multiply-accumulates per image. */
  public long denseMacs() {
    long n = 0;
    for (Layer l : layers) {
      n += l.denseMacs();
    }
    return n;
  }

  /** Number of values in the state dict (parameters and float buffers). */
  public long parameterCount() {
    long n = 0;
    for (int[] shape : parameterShapes.values()) {
      long k = 1;
      for (int d : shape) {
        k *= d;
      }
      n += k;
    }
    return n;
  }
}
