package io.ticketlab.train;

/**
 * Called by the {@link TrainingLoop} around each optimizer update: the lottery engine's masks use
 * {@link #afterBackward} to zero the gradients of pruned weights and {@link #afterStep} to re-apply
 * the weight mask, so pruned weights stay exactly zero under momentum and weight decay.
 */
public interface StepHook {
  /** After the backward pass of iteration {@code iteration}, before the update. */
  default void afterBackward(long iteration) {}

  /** After the update of iteration {@code iteration}. */
  default void afterStep(long iteration) {}
}
