package io.ticketlab.model.nn;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A DJL block whose parameters and children carry PyTorch's names, so that a whole model's
 * parameters can be listed under torchvision's state-dict keys ({@code layer1.0.conv1.weight}).
 *
 * <p>Every parameter of a TicketLab model has its shape fixed at construction, so initialisation
 * does not depend on input shapes: {@link #initialize} just fills the parameters with their
 * initialisers. Use {@link ModelParameters#of(Block)} for the name → parameter view.
 */
public abstract class TorchBlock extends AbstractBlock {
  private final Map<String, Block> namedChildren = new LinkedHashMap<>();

  /** Registers a child module under its PyTorch attribute name (e.g. {@code "conv1"}, {@code "0"}). */
  protected final <B extends Block> B child(String name, B block) {
    if (namedChildren.containsKey(name)) {
      throw new IllegalArgumentException("Duplicate child name: " + name);
    }
    namedChildren.put(name, block);
    return addChildBlock(name, block);
  }

  /** Registers a parameter or buffer of a fixed shape under its PyTorch name. */
  protected final Parameter param(
      String name, Parameter.Type type, Shape shape, Initializer init, boolean requiresGrad) {
    return addParameter(
        Parameter.builder()
            .setName(name)
            .setType(type)
            .optShape(shape)
            .optInitializer(init)
            .optRequiresGrad(requiresGrad)
            .build());
  }

  /** Children in registration order, keyed by their PyTorch attribute names. */
  public final Map<String, Block> namedChildren() {
    return Collections.unmodifiableMap(namedChildren);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (Block child : namedChildren.values()) {
      child.initialize(manager, dataType, inputShapes);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " computes its output shapes in forward()");
  }
}
