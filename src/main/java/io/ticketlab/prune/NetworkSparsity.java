package io.ticketlab.prune;

import io.ticketlab.common.FloatTensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The paper's two sparsity figures for a set of weights: "prune %" = zeros in the prunable set over
 * its size, and "network sparsity" = zero-valued parameters over ALL parameters (buffers such as
 * batch-norm running statistics are not parameters and are not counted), plus each tensor's
 * sparsity (paper Fig. 2c).
 *
 * @param prunableZeros zeros in the prunable tensors
 * @param prunableTotal size of the prunable tensors
 * @param networkZeros zeros over all parameters
 * @param networkTotal number of parameters
 * @param perTensor sparsity of every parameter tensor, in model order
 */
public record NetworkSparsity(
    long prunableZeros, long prunableTotal, long networkZeros, long networkTotal, Map<String, Double> perTensor) {

  /** Whether a state-dict entry is a buffer rather than a parameter. */
  public static boolean isBuffer(String name) {
    return name.endsWith("running_mean") || name.endsWith("running_var") || name.endsWith("num_batches_tracked");
  }

  /** Counts zeros of {@code weights}; {@code prunable} says which tensors form the prunable set. */
  public static NetworkSparsity of(Map<String, FloatTensor> weights, PrunableSet prunable) {
    long pz = 0, pt = 0, nz = 0, nt = 0;
    Map<String, Double> per = new LinkedHashMap<>();
    for (Map.Entry<String, FloatTensor> e : weights.entrySet()) {
      if (isBuffer(e.getKey())) {
        continue;
      }
      FloatTensor t = e.getValue();
      long zeros = t.countZeros();
      nz += zeros;
      nt += t.size();
      per.put(e.getKey(), t.size() == 0 ? 0.0 : (double) zeros / t.size());
      if (prunable.contains(e.getKey(), t.shape())) {
        pz += zeros;
        pt += t.size();
      }
    }
    return new NetworkSparsity(pz, pt, nz, nt, per);
  }

  /** Fraction of the prunable set that is zero. */
  public double pruneFraction() {
    return prunableTotal == 0 ? 0 : (double) prunableZeros / prunableTotal;
  }

  /** Fraction of all parameters that are zero. */
  public double networkSparsity() {
    return networkTotal == 0 ? 0 : (double) networkZeros / networkTotal;
  }

  /** Share of all parameters that the prunable set holds. */
  public double prunableShare() {
    return networkTotal == 0 ? 0 : (double) prunableTotal / networkTotal;
  }
}
