package io.ticketlab.train;

import ai.djl.ndarray.NDManager;

/**
 * Training data as a function of the iteration: the batch of iteration {@code it} is always the
 * same for the same seed, whatever happened before. This is what makes a killed run resume with
 * bit-identical results: the loop asks for batch k after a restart exactly as it would have.
 *
 * @param <B> the batch type of a task (images + labels, images + targets, ...)
 */
public interface BatchSource<B> {
  /** Iterations in one pass over the data (for {@code "12ep"}-style lengths). */
  long iterationsPerEpoch();

  /** Images one iteration consumes (the progress bar's images per second); 0 if not known. */
  default int imagesPerIteration() {
    return 0;
  }

  /** The batch of iteration {@code iteration}, with its arrays attached to {@code manager}. */
  B batch(long iteration, NDManager manager);
}
