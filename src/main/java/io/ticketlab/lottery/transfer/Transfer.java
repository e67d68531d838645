package io.ticketlab.lottery.transfer;

import io.ticketlab.common.FloatTensor;
import io.ticketlab.prune.Mask;
import io.ticketlab.prune.NetworkSparsity;
import java.util.List;
import java.util.Map;

/**
 * What a transfer gives the target network, by the target's parameter names: the {@code values}
 * it takes from the source (+0.0 wherever the mask prunes), the {@code mask} held fixed while it is
 * fine-tuned, and which of the target's tensors were {@code transferred} and which stay {@code
 * fresh} (initialised as a new model, dense).
 */
public record Transfer(Map<String, FloatTensor> values, Mask mask, List<String> transferred, List<String> fresh) {

  /**
   * The target's network sparsity after the transfer, before fine-tuning: the mask's zeros over
   * every parameter of {@code targetShapes} (buffers such as running statistics not counted, as in
   * {@link NetworkSparsity}); fresh tensors count as dense.
   */
  public double networkSparsity(Map<String, int[]> targetShapes) {
    long total = 0;
    for (Map.Entry<String, int[]> e : targetShapes.entrySet()) {
      if (!NetworkSparsity.isBuffer(e.getKey())) {
        total += Mask.numel(e.getValue());
      }
    }
    long zeros = mask.total() - mask.kept();
    return total == 0 ? 0 : (double) zeros / total;
  }
}
