package io.ticketlab.train;

import io.ticketlab.prune.Mask;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.ticketlab.model.io.BitMask;
import io.ticketlab.train.StepHook;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps a {@link Mask} in force during training: the gradients of pruned weights are zeroed after
 * the backward pass and the weights are multiplied by the mask after every optimizer step, so
 * pruned weights stay exactly 0 under momentum and weight decay. {@link #apply()} zeroes them once
 * before training (after rewinding).
 */
public final class MaskHook implements StepHook {
  private final Map<Parameter, NDArray> masks = new LinkedHashMap<>();

  /**
   * @param params the model's parameters by name
   * @param mask the mask; every name must be a parameter (validated)
   * @param manager where the mask arrays live (the parameters' manager)
   */
  public MaskHook(Map<String, Parameter> params, Mask mask, NDManager manager) {
    Map<String, int[]> shapes = new LinkedHashMap<>();
    params.forEach(
        (n, p) ->
            shapes.put(
                n, java.util.Arrays.stream(p.getShape().getShape()).mapToInt(Math::toIntExact).toArray()));
    mask.validate(shapes, "mask");
    for (Map.Entry<String, BitMask> e : mask.tensors().entrySet()) {
      BitMask b = e.getValue();
      float[] values = new float[(int) Mask.numel(b.shape())];
      for (int i = 0; i < values.length; i++) {
        values[i] = b.get(i) ? 1f : 0f;
      }
      Parameter p = params.get(e.getKey());
      NDArray m = manager.create(values, new Shape(p.getShape().getShape()));
      masks.put(p, m);
    }
  }

  /**
   * Zeroes the pruned weights now, as +0.0: a negative weight times 0 is -0.0, which the sparse
   * storage formats keep as a value (they are bit-exact), so the sum with +0.0 makes every pruned
   * weight the one zero they leave out.
   */
  public void apply() {
    for (Map.Entry<Parameter, NDArray> e : masks.entrySet()) {
      NDArray w = e.getKey().getArray();
      w.muli(e.getValue());
      try (NDArray zero = io.ticketlab.model.nn.Scalars.of(w, 0f)) {
        w.addi(zero);
      }
    }
  }

  @Override
  public void afterBackward(long iteration) {
    for (Map.Entry<Parameter, NDArray> e : masks.entrySet()) {
      Parameter p = e.getKey();
      if (p.requiresGradient()) {
        p.getArray().getGradient().muli(e.getValue());
      }
    }
  }

  @Override
  public void afterStep(long iteration) {
    apply();
  }
}
