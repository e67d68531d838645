package io.ticketlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Stochastic gradient descent with momentum and L2 weight decay, exactly as {@code torch.optim.SGD}
 * (dampening 0, no Nesterov): {@code d = g + wd·w; buf = m·buf + d} (buf = d on the first step);
 * {@code w -= lr·buf}. Weight decay can be switched off per parameter name (the paper's detectron2
 * schedule applies none to norm layers).
 *
 * <p>TicketLab owns this update rather than DJL's trainer so that the lottery engine can zero the
 * gradients of pruned weights before it and re-apply the mask after it. Call {@link #step} after
 * the gradient collector is closed (gradient recording off).
 */
public final class Sgd {
  private final Map<String, Parameter> params;
  private final float momentum;
  private final float weightDecay;
  private final Predicate<String> decays;
  private static final NDIndex ALL = new NDIndex("...");
  private final Map<String, NDArray> buffers = new LinkedHashMap<>();
  /** One scratch tensor per parameter shape, kept across steps (see {@link #step}). */
  private final Map<Shape, NDArray> scratch = new HashMap<>();

  /**
   * @param params the parameters to update, by name (only those that require gradients are used)
   * @param momentum momentum factor, e.g. 0.9 (0 for none)
   * @param weightDecay L2 coefficient, e.g. 1e-4
   * @param decays which parameter names get weight decay
   */
  public Sgd(
      Map<String, Parameter> params, float momentum, float weightDecay, Predicate<String> decays) {
    if (momentum < 0 || weightDecay < 0) {
      throw new IllegalArgumentException(
          "Invalid momentum/weight decay: " + momentum + "/" + weightDecay);
    }
    Map<String, Parameter> trainable = new LinkedHashMap<>();
    params.forEach(
        (name, p) -> {
          if (p.requiresGradient()) {
            trainable.put(name, p);
          }
        });
    this.params = Collections.unmodifiableMap(trainable);
    this.momentum = momentum;
    this.weightDecay = weightDecay;
    this.decays = decays;
  }

  /** The parameters this optimizer updates. */
  public Map<String, Parameter> parameters() {
    return params;
  }

  /**
   * Restores momentum buffers saved from {@link #momentumBuffers} (resuming, or rewinding weights
   * and optimizer together). Names must be parameters of this optimizer.
   */
  public void loadMomentumBuffers(Map<String, float[]> saved) {
    for (Map.Entry<String, float[]> e : saved.entrySet()) {
      Parameter p = params.get(e.getKey());
      if (p == null) {
        throw new IllegalArgumentException("No parameter named " + e.getKey() + " in this optimizer");
      }
      NDArray w = p.getArray();
      NDArray buf = w.getManager().create(e.getValue(), w.getShape());
      NDArray old = buffers.put(e.getKey(), buf);
      if (old != null) {
        old.close();
      }
    }
  }

  /** Momentum buffers by parameter name (empty before the first step). */
  public Map<String, NDArray> momentumBuffers() {
    return Collections.unmodifiableMap(buffers);
  }

  /**
   * Sets the gradients of all parameters to zero, like {@code optimizer.zero_grad()}. The engine
   * accumulates gradients over backward passes, so the loop calls this before each one.
   */
  public void zeroGradients() {
    zeroGradients(params.values());
  }

  /** Sets the gradients of those of {@code parameters} that have one to zero, in place. */
  public static void zeroGradients(java.util.Collection<Parameter> parameters) {
    for (Parameter p : parameters) {
      if (!p.requiresGradient()) {
        continue;
      }
      NDArray w = p.getArray();
      if (w instanceof PtNDArray pt) {
        JniUtils.zeroGrad(pt); // grad().zero_() in place, no indexing
      } else {
        w.getGradient().set(ALL, 0f);
      }
    }
  }

  /**
   * One update with learning rate {@code lr}, from the gradients the last backward pass left.
   *
   * <p>The two scaled terms, {@code wd·w} and {@code lr·buf}, are computed in a scratch tensor of
   * the parameter's shape that lives as long as the optimizer (a copy, then an in-place multiply:
   * the same bits as a multiply into a fresh tensor). A fresh tensor per parameter and step costs
   * more than the arithmetic where the engine backs large tensors with huge pages: each new one
   * takes its pages from the kernel again (a 9.4 MB tensor: 13–17 ms on a 2-core AMD EPYC VM,
   * against 0.3–0.9 ms for an in-place multiply; docs/benchmarks.md).
   */
  public void step(float lr) {
    try (NDScope scope = new NDScope()) {
      for (Map.Entry<String, Parameter> e : params.entrySet()) {
        NDArray w = e.getValue().getArray();
        NDArray g = w.getGradient();
        // the gradient is consumed here (it is zeroed before the next backward pass), so the
        // decay term is added into it in place
        NDArray d = g;
        if (weightDecay > 0 && decays.test(e.getKey())) {
          g.addi(scaled(w, weightDecay));
        }
        NDArray update;
        if (momentum > 0) {
          NDArray buf = buffers.get(e.getKey());
          if (buf == null) {
            buf = d.duplicate();
            NDScope.unregister(buf);
            buffers.put(e.getKey(), buf);
          } else {
            buf.muli(momentum).addi(d);
          }
          update = buf;
        } else {
          update = d;
        }
        w.subi(scaled(update, lr));
      }
    }
  }

  /** {@code factor · x} in the scratch tensor of x's shape (valid until the next call). */
  private NDArray scaled(NDArray x, float factor) {
    if (!(x instanceof PtNDArray px)) {
      return x.mul(factor);
    }
    NDArray t = scratch.get(x.getShape());
    if (t == null || t.getDataType() != x.getDataType()) {
      t = x.duplicate();
      NDScope.unregister(t);
      NDArray old = scratch.put(x.getShape(), t);
      if (old != null) {
        old.close();
      }
    } else {
      long[] dims = x.getShape().getShape();
      long[] step = new long[dims.length];
      java.util.Arrays.fill(step, 1L);
      JniUtils.indexSet((PtNDArray) t, px, new long[dims.length], dims, step); // t.copy_(x) in place
    }
    return t.muli(factor);
  }
}
