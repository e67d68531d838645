package io.ticketlab.model.roi;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.ticketlab.model.nn.ConvReluStack;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The common shape of Mask R-CNN's and Keypoint R-CNN's branches: boxes pooled by a RoIAlign
 * ({@code <name>_roi_pool}), a stack of 3×3 convolutions ({@code <name>_head}) and a predictor
 * ({@code <name>_predictor}) to per-box logit maps; the loss is {@code loss_<name>}. Subclasses add
 * the loss and the inference of their task.
 *
 * @param <H> the head
 * @param <P> the predictor
 */
public abstract class PooledBranch<H extends ConvReluStack, P extends Block & PooledBranch.Predictor>
    implements InstanceBranch {
  /** Maps the head's features [R, C, h, w] to the branch's logits. */
  public interface Predictor {
    NDArray apply(ParameterStore ps, NDArray x, boolean training);
  }

  private final String name;
  private final MultiScaleRoiAlign pool;
  private final H head;
  private final P predictor;

  /** @param name torchvision's attribute prefix: {@code mask} or {@code keypoint} */
  protected PooledBranch(String name, MultiScaleRoiAlign pool, H head, P predictor) {
    this.name = name;
    this.pool = pool;
    this.head = head;
    this.predictor = predictor;
  }

  public MultiScaleRoiAlign pool() {
    return pool;
  }

  public H head() {
    return head;
  }

  public P predictor() {
    return predictor;
  }

  @Override
  public String lossName() {
    return "loss_" + name;
  }

  @Override
  public Map<String, Block> blocks() {
    Map<String, Block> blocks = new LinkedHashMap<>();
    blocks.put(name + "_head", head);
    blocks.put(name + "_predictor", predictor);
    return blocks;
  }

  /** The logits of the boxes of each image (resized pixels): pool, head, predictor. */
  public NDArray logits(
      ParameterStore ps, Map<String, NDArray> features, List<int[]> imageSizes, List<float[]> boxes, boolean training) {
    NDArray pooled = pool.poolBoxes(features, boxes, imageSizes);
    return predictor.apply(ps, head.apply(ps, pooled, training), training);
  }
}
