package io.ticketlab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * The box head between RoI pooling and the box predictor: torchvision's {@link TwoMlpHead} for FPN
 * models, the ResNet {@code layer4} + average pool of a C4 model. Registered as {@code
 * roi_heads.box_head}.
 */
public interface BoxHead extends Block {
  /** Pooled features [K, C, h, w] → representations [K, {@link #representationSize()}]. */
  NDArray apply(ParameterStore ps, NDArray pooled, boolean training);

  /** The width of the representation fed to the box predictor. */
  int representationSize();
}
