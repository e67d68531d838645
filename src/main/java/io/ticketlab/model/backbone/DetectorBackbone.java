package io.ticketlab.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;

/**
 * The feature extractor of a two-stage detector, registered as {@code backbone}: a ResNet + FPN
 * (maps '0'..'3', 'pool') or the C4 base (one map '0' at stride 16).
 */
public interface DetectorBackbone extends Block {
  /** Feature maps by name, in the order the RPN and the poolers see them. */
  LinkedHashMap<String, NDArray> features(ParameterStore ps, NDArray images, boolean training);

  /** Channels of every map. */
  int outChannels();

  /** Freezes the layers the detector's settings leave frozen (after weights are set). */
  void applyFreezing();
}
