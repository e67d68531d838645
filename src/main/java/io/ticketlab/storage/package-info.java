/**
 * Sparse storage and compute accounting of pruned networks (the paper's supplementary section E):
 * checkpoint formats from dense to entropy-coded ({@link io.ticketlab.storage.SparseFormat},
 * {@link io.ticketlab.storage.SparseCheckpoint}), size reports against the entropy bound of the
 * mask ({@link io.ticketlab.storage.SizeReport}), and multiply-accumulate counts of dense and
 * pruned networks ({@link io.ticketlab.storage.MacCounter}, {@link
 * io.ticketlab.storage.Architectures}). Pure Java: works on named float arrays, never on the native
 * engine.
 */
package io.ticketlab.storage;
